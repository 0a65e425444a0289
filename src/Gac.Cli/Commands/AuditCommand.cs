using System.Globalization;
using Gac.Core.Audit;
using Gac.Pipeline.Inspection;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build audit model.onnx</c>: how many GEMM dimensions are misaligned and how much linear
/// compute sits in misaligned GEMMs. Reads only the graph (shapes), never external weight data,
/// so it needs no GPU and answers in well under a second even for multi-gigabyte models.
/// </summary>
public sealed class AuditCommand : GacCommand
{
    private readonly Argument<string> _model =
        Required("model", "An .onnx file, or a Hugging Face checkpoint folder (its block projections, from config.json).");
    private readonly AlignmentOptions _alignment =
        new($"Alignment profile: {AlignmentOptions.ProfileNames} (default generic-8).",
            "Check against a plain multiple instead of a profile (e.g. 8, 16, 64).");
    private readonly Option<double?> _failBelow =
        CliOptions.Double("--fail-below", "PCT", "Exit 1 when the share of aligned dimensions is below PCT percent.", 0, 100);

    public AuditCommand(CliHost host)
        : base(host, "audit", "List linear layers, their dims and alignment against a profile; no GPU needed.")
    {
        Declare([_model, .. _alignment.Options, _failBelow]);
    }

    protected override int Execute(CommandContext context)
    {
        var profile = _alignment.Resolve(context);
        var failBelow = context.Get(_failBelow);
        var given = context.Get(_model);
        var folder = context.FullPath(given);
        var report = ModelAudit.Run(Directory.Exists(folder) ? folder : context.ExistingFile(given, "Model"), given, profile);

        context.Out.Write(context.Format == OutputFormat.Json
            ? JsonOutput.Serialize(report) + Environment.NewLine
            : AuditTextRenderer.Render(report));

        if (failBelow is { } threshold && report.Totals.AlignedDimensionPercent < threshold)
        {
            context.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"gac-build: {report.Totals.AlignedDimensionPercent:0.0}% of dimensions are aligned to {profile.Name}, below --fail-below {threshold:0.##}%."));
            return ExitCodes.Rejected;
        }

        return ExitCodes.Success;
    }
}
