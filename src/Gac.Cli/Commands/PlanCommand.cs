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
        new("--profile", "Override the alignment profile.", "name"),
        new("--align", "Override with a plain multiple (e.g. 8, 16, 64).", "N"),
        new("--window", "Override the candidate window: ± this many aligned steps around d*.", "R"),
        new("--objective", "Override the objective: auto, paper or spectrum.", "name"),
        new("--staircase", "A latency staircase JSON (made by `gac-build profile`): drop candidates on latency cliffs.", "file"),
        new("--rows", "Show at most this many decisions in the text table (default all).", "N"),
    ];

    public override bool AcceptsMissingArguments(IReadOnlyDictionary<string, string?> options) => options.ContainsKey("--layers");

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var layers = args.Value("--layers");
        if (layers is null || args.Positionals.Count > 0)
        {
            return PlanFromSpec(context);
        }

        var document = PlanLayersFile.Load(context.ExistingFile(layers, "Layers file"));
        var options = WithOverrides(document.Options, args);
        if (args.Value("--staircase") is { } staircase)
        {
            options = options with { Staircase = LatencyStaircase.Load(context.ExistingFile(staircase, "Latency staircase")) };
        }

        var report = GacPlanner.Plan(document.Problem, options);
        Write(context, report);
        return ExitCodes.Success;
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

        if (args.Has("--profile") || args.Has("--align") || args.Has("--window") || args.Has("--objective") || args.Has("--staircase"))
        {
            throw ParsedArguments.ArgumentError("--profile, --align, --window, --objective and --staircase apply to --layers; with a gac.yaml, set them under alignment: (alignment.staircase).");
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
