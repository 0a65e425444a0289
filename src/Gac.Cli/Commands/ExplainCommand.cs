using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;

namespace Gac.Cli.Commands;

/// <summary><c>gac-build explain GAC0010</c>: the catalogue entry for a code; with no code, the whole catalogue.</summary>
public sealed class ExplainCommand : CliCommand
{
    public override string Name => "explain";

    public override string Summary => "Explain a diagnostic code (cause and fix); no code lists them all.";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("code", "A diagnostic code such as GAC0010.", Required: false)];

    public override IReadOnlyList<OptionSpec> Options => [new("--markdown", "Print the whole catalogue as the Markdown page (DIAGNOSTICS.md).")];

    public override int Execute(CommandContext context)
    {
        if (context.Arguments.Has("--markdown"))
        {
            context.Out.Write(DiagnosticCatalogueMarkdown.Render());
            return ExitCodes.Success;
        }

        var code = context.Arguments.Positionals.Count > 0 ? context.Arguments.Positionals[0] : null;
        IReadOnlyList<DiagnosticDescriptor> entries = code is null
            ? DiagnosticCatalogue.All
            : [DiagnosticCatalogue.Find(code) ?? throw ParsedArguments.ArgumentError($"'{code}' is not a known diagnostic code. Run `gac-build explain` for " +
                $"the list.")];
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
