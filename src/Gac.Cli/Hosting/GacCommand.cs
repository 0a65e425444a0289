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

    /// <summary>Adds the command's arguments and options, in the order the help lists them.</summary>
    protected void Declare(IEnumerable<Symbol> symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    Arguments.Add(argument);
                    break;
                case Option option:
                    Options.Add(option);
                    break;
                default:
                    throw new ArgumentException($"'{Name}' declares {symbol.Name}, which is neither an argument nor an option.", nameof(symbols));
            }
        }
    }

    protected static Argument<string> Required(string name, string description) => new(name) { Description = description };

    protected static Argument<string?> Optional(string name, string description)
        => new(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
}
