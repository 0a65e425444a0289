namespace Gac.Cli.Hosting;

/// <summary>One gac-build command: its name, what it takes, and what it does.</summary>
public abstract class CliCommand
{
    public static readonly OptionSpec HelpOption = new("--help", "Show help for this command.");

    public abstract string Name { get; }

    public abstract string Summary { get; }

    public virtual IReadOnlyList<ArgumentSpec> Arguments => [];

    public virtual IReadOnlyList<OptionSpec> Options => [];

    /// <summary>What --format accepts; text and json everywhere, markdown where a command renders a table.</summary>
    public virtual IReadOnlyList<OutputFormat> Formats => [OutputFormat.Text, OutputFormat.Json];

    public OptionSpec FormatOption => new(
        "--format", $"Output format: {Alternatives(Formats.Select(FormatName))}.", string.Join('|', Formats.Select(FormatName)));

    public IEnumerable<OptionSpec> AllOptions => Options.Append(FormatOption).Append(HelpOption);

    public static string FormatName(OutputFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>"a or b", "a, b or c".</summary>
    public static string Alternatives(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    /// <summary>Some commands take their input from an option instead of an argument (plan --layers).</summary>
    public virtual bool AcceptsMissingArguments(IReadOnlyDictionary<string, string?> options) => false;

    public abstract int Execute(CommandContext context);
}
