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
public sealed class PlanCommand : GacCommand
{
    private readonly Argument<string?> _spec = Optional("spec", "A gac.yaml (needs the model's weights); or use --layers.");
    private readonly Option<string?> _layers =
        CliOptions.Text("--layers", "file", "A shape-only layers file (JSON, schema src/Gac.Core/Planning/plan-layers.schema.json).");
    private readonly Option<string?> _config =
        CliOptions.Text("--config", "file", "A Hugging Face config.json (llama, mistral, qwen2, gpt2): plan ASVD-style targets from its shapes alone.");
    private readonly Option<double?> _ratio =
        CliOptions.Double("--ratio", "R", "With --config: the fraction of the compressible linear parameters to remove (default 0.15).", 0.0001, 0.99);
    private readonly AlignmentOptions _alignment = new("Override the alignment profile.", "Override with a plain multiple (e.g. 8, 16, 64).");
    private readonly Option<int?> _window = CliOptions.Int("--window", "R", "Override the candidate window: ± this many aligned steps around d*.", 1, 64);
    private readonly Option<PlanObjectiveKind?> _objective = CliOptions.Choice(
        "--objective",
        "Override the objective: auto, paper or spectrum.",
        ("auto", PlanObjectiveKind.Auto),
        ("paper", PlanObjectiveKind.Paper),
        ("spectrum", PlanObjectiveKind.Spectrum));
    private readonly Option<string?> _staircase =
        CliOptions.Text("--staircase", "file", "A latency staircase JSON (made by `gac-build profile`): drop candidates on latency cliffs.");
    private readonly Option<int?> _rows = CliOptions.Int("--rows", "N", "Show at most this many decisions in the text table (default all).", 1);

    public PlanCommand(CliHost host)
        : base(host, "plan", "Compute the unconstrained and GPU-aligned plans without writing a model.")
    {
        Declare([_spec, _layers, _config, _ratio, .. _alignment.Options, _window, _objective, _staircase, _rows]);
    }

    protected override int Execute(CommandContext context)
    {
        var layers = context.Get(_layers);
        var config = context.Get(_config);
        if ((layers is null && config is null) || context.Get(_spec) is not null)
        {
            return PlanFromSpec(context);
        }

        if (layers is not null && config is not null)
        {
            throw ArgumentErrors.Create("give either --layers or --config, not both.");
        }

        var document = layers is not null
            ? PlanLayersFile.Load(context.ExistingFile(layers, "Layers file"))
            : FromConfig(context.ExistingFile(config!, "config.json"), context.Get(_ratio) ?? 0.15);
        var options = WithOverrides(document.Options, context);
        if (context.Get(_staircase) is { } staircase)
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

    private void Write(CommandContext context, PlanReport report)
    {
        context.Out.Write(context.Format == OutputFormat.Json
            ? JsonOutput.Serialize(report) + Environment.NewLine
            : PlanTextRenderer.Render(report, context.Get(_rows)));
    }

    private PlannerOptions WithOverrides(PlannerOptions options, CommandContext context)
    {
        if (_alignment.Given(context))
        {
            options = options with { Profile = _alignment.Resolve(context), UsePreferredMultiple = false };
        }

        if (context.Get(_window) is { } window)
        {
            options = options with { WindowSteps = window };
        }

        return context.Get(_objective) is { } objective ? options with { Objective = objective } : options;
    }

    private int PlanFromSpec(CommandContext context)
    {
        var given = context.Get(_spec);
        if (given is null)
        {
            throw ArgumentErrors.Create($"'plan' needs the argument <spec>: {_spec.Description}");
        }

        if (context.Given(_layers))
        {
            throw ArgumentErrors.Create("give either a gac.yaml or --layers <file>, not both.");
        }

        if (_alignment.Given(context) || context.Given(_window) || context.Given(_objective) || context.Given(_staircase) || context.Given(_ratio))
        {
            throw ArgumentErrors.Create("--profile, --align, --window, --objective and --staircase apply to --layers; with a gac.yaml, " +
                "set them under alignment: (a user profile's staircase: alignment.profiles[].staircase).");
        }

        var spec = GacSpecLoader.Load(context.FullPath(given));
        var progress = context.ShowProgress ? new ConsoleProgress(context.Error) : null;
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
