using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Planning;
using Gac.Core.Spec;
using Gac.Pipeline;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build plan --layers layers.json</c>: the unconstrained and aligned plans from a shape-only
/// description (no weights), with GAC beside the rounding baselines on the same budget. The cheap
/// "what will this produce?" step, before any weight is touched.
/// </summary>
public sealed class PlanCommand : CliCommand
{
    public override string Name => "plan";

    public override string Summary => "Compute the unconstrained and GPU-aligned plans without writing a model.";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("spec", "A gac.yaml (needs the model's weights); or use --layers.", Required: false)];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--layers", "A shape-only layers file (JSON, schema src/Gac.Core/Planning/plan-layers.schema.json).", "file"),
        new("--config", "A Hugging Face config.json (llama, mistral, qwen2, gpt2): plan ASVD-style targets from its shapes alone.", "file"),
        new("--ratio", "With --config: the fraction of the compressible linear parameters to remove (default 0.15).", "R"),
        new("--profile", "Override the alignment profile.", "name"),
        new("--align", "Override with a plain multiple (e.g. 8, 16, 64).", "N"),
        new("--window", "Override the candidate window: ± this many aligned steps around d*.", "R"),
        new("--objective", "Override the objective: auto, paper or spectrum.", "name"),
        new("--staircase", "A latency staircase JSON (made by `gac-build profile`): drop candidates on latency cliffs.", "file"),
        new("--rows", "Show at most this many decisions in the text table (default all).", "N"),
    ];

    public override bool AcceptsMissingArguments(IReadOnlyDictionary<string, string?> options)
        => options.ContainsKey("--layers") || options.ContainsKey("--config");

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var layers = args.Value("--layers");
        var config = args.Value("--config");
        if ((layers is null && config is null) || args.Positionals.Count > 0)
        {
            return PlanFromSpec(context);
        }

        if (layers is not null && config is not null)
        {
            throw ParsedArguments.ArgumentError("give either --layers or --config, not both.");
        }

        var document = layers is not null
            ? PlanLayersFile.Load(context.ExistingFile(layers, "Layers file"))
            : FromConfig(context.ExistingFile(config!, "config.json"), args.DoubleValue("--ratio", 0.0001, 0.99) ?? 0.15);
        var options = WithOverrides(document.Options, args);
        if (args.Value("--staircase") is { } staircase)
        {
            options = options with { Staircase = LatencyStaircase.Load(context.ExistingFile(staircase, "Latency staircase")) };
        }

        var report = GacPlanner.Plan(document.Problem, options);
        Write(context, report);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Shape-only planning of a real architecture: layers from config.json, ASVD-style targets with
    /// synthetic sensitivities (no weights are read), GAC under the same budget.
    /// </summary>
    private static PlanLayersDocument FromConfig(string path, double ratio)
    {
        var inventory = Gac.Core.Model.Architectures.ArchitectureShapes.FromConfigFile(path);
        return new PlanLayersDocument(ShapeOnlyModels.FromInventory(inventory, ratio), new PlannerOptions());
    }

    internal static void Write(CommandContext context, PlanReport report)
    {
        context.Out.Write(context.Format == OutputFormat.Json
            ? JsonOutput.Serialize(report) + Environment.NewLine
            : PlanTextRenderer.Render(report, context.Arguments.IntValue("--rows", 1)));
    }

    private static PlannerOptions WithOverrides(PlannerOptions options, ParsedArguments args)
    {
        if (args.Has("--profile") || args.Has("--align"))
        {
            options = options with { Profile = AuditCommand.ResolveProfile(args), UsePreferredMultiple = false };
        }

        if (args.IntValue("--window", 1, 64) is { } window)
        {
            options = options with { WindowSteps = window };
        }

        return args.Value("--objective") switch
        {
            null => options,
            "auto" => options with { Objective = PlanObjectiveKind.Auto },
            "paper" => options with { Objective = PlanObjectiveKind.Paper },
            "spectrum" => options with { Objective = PlanObjectiveKind.Spectrum },
            var other => throw ParsedArguments.ArgumentError($"--objective expects auto, paper or spectrum, found '{other}'."),
        };
    }

    private static int PlanFromSpec(CommandContext context)
    {
        var args = context.Arguments;
        if (args.Positionals.Count == 0 || args.Has("--layers"))
        {
            throw ParsedArguments.ArgumentError("give either a gac.yaml or --layers <file>, not both.");
        }

        if (args.Has("--profile") || args.Has("--align") || args.Has("--window") || args.Has("--objective") || args.Has("--staircase") || args.Has("--ratio"))
        {
            throw ParsedArguments.ArgumentError("--profile, --align, --window, --objective and --staircase apply to --layers; with a gac.yaml, set them " +
                "under alignment: (a user profile's staircase: alignment.profiles[].staircase).");
        }

        var spec = GacSpecLoader.Load(Path.GetFullPath(args.Positionals[0], context.WorkingDirectory));
        var progress = context.ShowProgress ? new Progress<PipelineProgress>(p => context.Error.WriteLine($"[{p.Step}] {p.Message}")) : null;
        var plan = GacPipeline.Plan(spec, progress: progress);
        if (plan.Report is null)
        {
            context.Out.WriteLine(context.Format == OutputFormat.Json ? "null" : "compress.method is none: nothing to plan.");
            return ExitCodes.Success;
        }

        Write(context, plan.Report);
        return ExitCodes.Success;
    }
}
