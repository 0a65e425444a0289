using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Audit;
using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Discovery;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build audit model.onnx</c>: how many GEMM dimensions are misaligned and how much linear
/// compute sits in misaligned GEMMs. Reads only the graph (shapes), never external weight data,
/// so it needs no GPU and answers in well under a second even for multi-gigabyte models.
/// </summary>
public sealed class AuditCommand : CliCommand
{
    public override string Name => "audit";

    public override string Summary => "List linear layers, their dims and alignment against a profile; no GPU needed.";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("model", "An .onnx file, or a Hugging Face checkpoint folder (its block projections, from " +
        "config.json).")];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--profile", $"Alignment profile: {string.Join(", ", BuiltInProfiles.All.Select(p => p.Name))} (default generic-8).", "name"),
        new("--align", "Check against a plain multiple instead of a profile (e.g. 8, 16, 64).", "N"),
        new("--fail-below", "Exit 1 when the share of aligned dimensions is below PCT percent.", "PCT"),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var profile = ResolveProfile(args);
        var failBelow = args.DoubleValue("--fail-below", 0, 100);
        var given = args.Positionals[0];
        var folder = Path.GetFullPath(given, context.WorkingDirectory);
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

    internal static AlignmentProfile ResolveProfile(ParsedArguments args)
    {
        var name = args.Value("--profile");
        var multiple = args.IntValue("--align", 1, 4096);
        if (name is not null && multiple is not null)
        {
            throw ParsedArguments.ArgumentError("give either --profile or --align, not both.");
        }

        if (multiple is { } m)
        {
            return BuiltInProfiles.ForMultiple(m);
        }

        if (name is null)
        {
            return BuiltInProfiles.Generic8;
        }

        return BuiltInProfiles.Find(name)
            ?? throw ParsedArguments.ArgumentError($"unknown profile '{name}'. Built-in profiles: " +
                $"{string.Join(", ", BuiltInProfiles.All.Select(p => p.Name))}.");
    }
}
