using System.Globalization;
using Gac.Core.Spec;
using Gac.Pipeline;
using Gac.Pipeline.Inspection;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build check gac.yaml</c>: validates a spec without touching the model. With
/// <c>--format json</c> it also lists the files the spec reads and writes — the MSBuild task
/// hashes those inputs to decide whether a build is up to date.
/// </summary>
public sealed class CheckCommand : GacCommand
{
    private readonly Argument<string> _spec = Required("spec", "The gac.yaml to validate.");
    private readonly Option<string?> _output =
        CliOptions.Text("--output", "path", "The artifact path a run would use instead of export.path (listed in the JSON outputs).");

    public CheckCommand(CliHost host)
        : base(host, "check", "Validate a gac.yaml spec (schema, values, referenced files, and the model's and data files' headers).")
    {
        Declare([_spec, _output]);
    }

    protected override int Execute(CommandContext context)
    {
        var given = context.Get(_spec);
        var result = GacSpecLoader.TryLoad(context.FullPath(given));
        var artifact = context.FullPathOrNull(context.Get(_output));
        var options = new PipelineOptions { OutputPath = artifact };

        // A spec that loads is then read against the model's and data files' headers: what `run` would reject.
        var readiness = result.Spec is { } loaded ? RunReadiness.Check(loaded, options) : [];
        var diagnostics = result.Diagnostics.Concat(readiness).Select(d => Relabel(d, given)).ToList();
        var valid = diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
        foreach (var diagnostic in diagnostics)
        {
            context.Report(diagnostic);
        }

        if (context.Format == OutputFormat.Json)
        {
            var files = result.Spec is { } s ? SpecFileSet.Of(s) : null;
            if (files is not null && artifact is not null)
            {
                files = files with { Outputs = [artifact] };
            }

            // The first error also at the top, as every command's --format json failure has it (JsonFailure).
            var first = valid ? null : diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            context.Out.WriteLine(JsonOutput.Serialize(new CheckResult(
                CliApp.Version,
                valid,
                given,
                diagnostics.Select(d => new CheckDiagnostic(d.Code, d.Severity, d.Message, d.Location?.Line, d.Location?.Column, d.Location?.File)).ToList(),
                files?.Inputs,
                files?.Outputs,
                files?.Reports)
            {
                Code = first?.Code,
                Message = first?.Message,
                File = first?.Location?.File,
                Line = first?.Location is { Line: > 0 } l ? l.Line : null,
            }));
        }
        else if (result.Spec is { } spec && valid)
        {
            context.Out.WriteLine($"{given}: OK — {Describe(spec)}");
        }

        return valid ? ExitCodes.Success : ExitCodes.BadInput;
    }

    private static string Describe(GacSpec spec)
    {
        var compress = spec.Compress.Method == CompressionMethod.None
            ? "no compression"
            : string.Create(CultureInfo.InvariantCulture, $"{SpecEnumText.ToText(spec.Compress.Method)} removing {spec.Compress.Ratio * 100:0.##}% of the " +
                $"compressible linear-layer parameters (attention and MLP blocks; embeddings, norms and the LM head stay)")
                + (ModelSize.Of(spec.Model) is { } size
                    ? string.Create(CultureInfo.InvariantCulture, $", {spec.Compress.Ratio * size.CompressibleParameters:N0} of the model's " +
                        $"{size.TotalParameters:N0} parameters ({size.ShareOfModel(spec.Compress.Ratio) * 100:0.#}%)")
                    : string.Empty);
        return $"{compress}; alignment {SpecEnumText.ToText(spec.Alignment.Strategy)} to {spec.Alignment.Profile.Name}; writes {spec.Export.Path.Text}";
    }

    /// <summary>The loader labels diagnostics with the full path; users see the path they typed.</summary>
    private static Diagnostic Relabel(Diagnostic diagnostic, string given)
        => diagnostic.Location is { } location && Path.GetFileName(location.File) == Path.GetFileName(given)
            ? diagnostic with { Location = location with { File = given } }
            : diagnostic;

    private sealed record CheckResult(
        string ToolVersion,
        bool Valid,
        string Spec,
        IReadOnlyList<CheckDiagnostic> Diagnostics,
        IReadOnlyList<string>? Inputs,
        IReadOnlyList<string>? Outputs,
        IReadOnlyList<string>? Reports)
    {
        public string? Code { get; init; }

        public string? Message { get; init; }

        public string? File { get; init; }

        public int? Line { get; init; }
    }

    private sealed record CheckDiagnostic(string Code, DiagnosticSeverity Severity, string Message, int? Line, int? Column, string? File);
}
