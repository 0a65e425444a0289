namespace Gac.Cli.Commands;

/// <summary><c>gac-build explain GAC0010</c>: the catalogue entry for a code; with no code, the whole catalogue.</summary>
public sealed class ExplainCommand : GacCommand
{
    private readonly Argument<string?> _code = Optional("code", "A diagnostic code such as GAC0010.");
    private readonly Option<bool> _markdown = CliOptions.Flag("--markdown", "Print the whole catalogue as the Markdown page (DIAGNOSTICS.md).");

    public ExplainCommand(CliHost host)
        : base(host, "explain", "Explain a diagnostic code (cause and fix); no code lists them all.")
    {
        Declare([_code, _markdown]);
    }

    protected override int Execute(CommandContext context)
    {
        if (context.Get(_markdown))
        {
            context.Out.Write(DiagnosticCatalogueMarkdown.Render());
            return ExitCodes.Success;
        }

        var code = context.Get(_code);
        IReadOnlyList<DiagnosticDescriptor> entries = code is null
            ? DiagnosticCatalogue.All
            : [DiagnosticCatalogue.Find(code)
                ?? throw ArgumentErrors.Create($"'{code}' is not a known diagnostic code. Run `gac-build explain` for the list.")];
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(entries));
            return ExitCodes.Success;
        }

        foreach (var entry in entries)
        {
            context.Out.WriteLine($"{entry.Code}  {entry.Title}");
            context.Out.WriteLine($"  cause: {entry.Cause}");
            context.Out.WriteLine($"  fix:   {entry.Fix}");
        }

        return ExitCodes.Success;
    }
}
