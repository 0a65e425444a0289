using System.CommandLine;

namespace Gac.Cli.Hosting;

/// <summary>
/// One gac-build command: its System.CommandLine definition (arguments and options, from which the
/// help is generated) and what it does with the parsed values. Every command takes --format.
/// </summary>
public abstract class GacCommand : Command
{
    protected GacCommand(CliHost host, string name, string description, params OutputFormat[] formats)
        : base(name, description)
    {
        var format = CliOptions.Format(formats is [] ? [OutputFormat.Text, OutputFormat.Json] : formats);
        Options.Add(format);
        SetAction((parse, cancellation) => ExecuteAsync(new CommandContext(parse, host, parse.GetValue(format), cancellation)));
    }

    /// <summary>Runs the command; returns the exit code (<see cref="Gac.Core.Diagnostics.ExitCodes"/>). Failures throw GacException.</summary>
    protected virtual Task<int> ExecuteAsync(CommandContext context) => Task.FromResult(Execute(context));

    protected abstract int Execute(CommandContext context);

    /// <summary>Declares an argument (shown in the help) and returns it for typed reading.</summary>
    protected Argument<T> Add<T>(Argument<T> argument)
    {
        Arguments.Add(argument);
        return argument;
    }

    /// <summary>Declares an option (shown in the help) and returns it for typed reading.</summary>
    protected Option<T> Add<T>(Option<T> option)
    {
        Options.Add(option);
        return option;
    }

    protected static Argument<string> Required(string name, string description) => new(name) { Description = description };

    protected static Argument<string?> Optional(string name, string description)
        => new(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
}
