namespace Gac.Cli.Hosting;

/// <summary>One gac-build command: its name, what it takes, and what it does.</summary>
public abstract class CliCommand
{
    public static readonly OptionSpec FormatOption = new("--format", "Output format: text or json.", "text|json");
    public static readonly OptionSpec HelpOption = new("--help", "Show help for this command.");

    public abstract string Name { get; }

    public abstract string Summary { get; }

    public virtual IReadOnlyList<ArgumentSpec> Arguments => [];

    public virtual IReadOnlyList<OptionSpec> Options => [];

    public IEnumerable<OptionSpec> AllOptions => Options.Append(FormatOption).Append(HelpOption);

    /// <summary>Some commands take their input from an option instead of an argument (plan --layers).</summary>
    public virtual bool AcceptsMissingArguments(IReadOnlyDictionary<string, string?> options) => false;

    public abstract int Execute(CommandContext context);
}
