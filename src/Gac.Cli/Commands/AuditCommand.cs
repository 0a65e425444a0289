using System.CommandLine;
using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Audit;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Discovery;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build audit model.onnx</c>: how many GEMM dimensions are misaligned and how much linear
/// compute sits in misaligned GEMMs. Reads only the graph (shapes), never external weight data,
/// so it needs no GPU and answers in well under a second even for multi-gigabyte models.
/// </summary>
public sealed class AuditCommand : GacCommand
{
    private readonly Argument<string> _model;
    private readonly AlignmentOptions _alignment;
    private readonly Option<double?> _failBelow;

    public AuditCommand(CliHost host)
        : base(host, "audit", "List linear layers, their dims and alignment against a profile; no GPU needed.")
    {
        _model = Add(Required("model", "An .onnx file, or a Hugging Face checkpoint folder (its block projections, from config.json)."));
        _alignment = new AlignmentOptions(
            this,
            $"Alignment profile: {AlignmentOptions.ProfileNames} (default generic-8).",
            "Check against a plain multiple instead of a profile (e.g. 8, 16, 64).");
        _failBelow = Add(CliOptions.Double("--fail-below", "PCT", "Exit 1 when the share of aligned dimensions is below PCT percent.", 0, 100));
    }

    protected override int Execute(CommandContext context)
    {
        var profile = _alignment.Resolve(context);
        var failBelow = context.Get(_failBelow);
        var given = context.Get(_model);
        var folder = context.FullPath(given);
        var inventory = Directory.Exists(folder)
            ? CheckpointInventory(folder, given)
            : LinearLayerDiscovery.Discover(OnnxModelFile.Load(context.ExistingFile(given, "Model"))) with { Source = given };
        var report = AlignmentAudit.Run(inventory, profile);

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

    /// <summary>A Hugging Face folder: its block projections from config.json alone (no weights, no export).</summary>
    private static Core.Model.ModelInventory CheckpointInventory(string folder, string given)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
        {
            throw GacException.Create(
                DiagnosticCatalogue.InputFileNotFound,
                $"'{given}' is a folder without config.json; audit takes an .onnx file or a Hugging Face checkpoint folder (config.json + *.safetensors).",
                new SourceLocation(given));
        }

        return ArchitectureShapes.FromConfigFile(config) with { Source = given };
    }
}
