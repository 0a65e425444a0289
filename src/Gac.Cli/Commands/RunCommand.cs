using System.CommandLine;
using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Pipeline;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build run gac.yaml</c>: the whole pipeline. Exit 0 when the gate accepts (the artifact is
/// then in place), 1 when it rejects (nothing written; reasons per goal on stderr), 2 for bad input.
/// <c>--stage compress</c> stops before validation and writes a candidate bundle for
/// <c>gac-build validate</c> (exit 0 when written).
/// </summary>
public sealed class RunCommand : GacCommand
{
    private readonly Argument<string> _spec = Required("spec", "The gac.yaml to run.");
    private readonly Option<string?> _output =
        CliOptions.Text("--output", "path", "Write the accepted artifact here instead of export.path; its reports go beside it unless --report-dir is given.");
    private readonly Option<string?> _reportDir = CliOptions.Text("--report-dir", "dir", "Write the reports here instead of report.directory.");
    private readonly Option<ExecutionProviderChoice?> _provider = CliOptions.Provider("Override validation.provider");
    private readonly Option<int?> _iterations =
        CliOptions.Int("--iterations", "N", "Override validation.iterations (latency samples per variant).", 1, 1_000_000);
    private readonly Option<bool> _progress =
        CliOptions.Flag("--progress", "Print progress lines on stderr even when it is redirected (they are shown on a terminal anyway).");
    private readonly Option<RunStage?> _stage = CliOptions.Choice(
        "--stage",
        "all (default): the whole run; compress: stop after the candidate is written and chosen, and write it as a bundle for `gac-build validate` (calibration on the CPU, no gate, nothing published).",
        ("all", RunStage.All),
        ("compress", RunStage.Compress));
    private readonly Option<string?> _bundle = CliOptions.Text("--bundle", "dir", "With --stage compress: the bundle folder to write (default: gac-bundle in report.directory).");

    public RunCommand(CliHost host)
        : base(host, "run", "Compress, align, validate and gate a model; write the artifact only when accepted.")
    {
        Declare([_spec, _output, _reportDir, _provider, _iterations, _progress, _stage, _bundle]);
    }

    protected override int Execute(CommandContext context) => ExecuteAsync(context).GetAwaiter().GetResult();

    /// <summary>The pipeline runs with the command's token: Ctrl-C or SIGTERM unwinds it (scratch removed, nothing published).</summary>
    protected override async Task<int> ExecuteAsync(CommandContext context)
    {
        var given = context.Get(_spec);
        if (context.Get(_stage) == RunStage.Compress)
        {
            return Compress(context, given);
        }

        if (context.Get(_bundle) is not null)
        {
            throw ArgumentErrors.Create("option --bundle is only for --stage compress.");
        }

        var options = new PipelineOptions
        {
            OutputPath = context.FullPathOrNull(context.Get(_output)),
            ReportDirectory = context.FullPathOrNull(context.Get(_reportDir)),
            Provider = context.Get(_provider),
            Iterations = context.Get(_iterations),
        };
        var spec = GacSpecLoader.Load(context.FullPath(given));
        var progress = context.ShowProgress || context.Get(_progress) ? new ConsoleProgress(context.Error) : null;
        var result = await GacPipeline.RunAsync(spec, options, progress, context.Cancellation).ConfigureAwait(false);
        Write(context, given, result);
        return result.ExitCode;
    }

    private int Compress(CommandContext context, string given)
    {
        // Where and how to validate is the validate stage's business: taking these here would silently do nothing.
        var validateOnly = new (string Name, bool Given)[]
        {
            ("--output", context.Get(_output) is not null),
            ("--report-dir", context.Get(_reportDir) is not null),
            ("--provider", context.Get(_provider) is not null),
            ("--iterations", context.Get(_iterations) is not null),
        }.Where(o => o.Given).Select(o => o.Name).ToList();
        if (validateOnly.Count > 0)
        {
            throw ArgumentErrors.Create($"option {string.Join(", ", validateOnly)} belongs to the validate stage: pass it to `gac-build validate <bundle>`.");
        }

        var spec = GacSpecLoader.Load(context.FullPath(given));
        var bundle = context.FullPathOrNull(context.Get(_bundle)) ?? Path.Combine(spec.Report.Directory.FullPath, "gac-bundle");
        var progress = context.ShowProgress || context.Get(_progress) ? new ConsoleProgress(context.Error) : null;
        var manifest = GacPipeline.CompressToBundle(spec, bundle, progress: progress, cancellationToken: context.Cancellation);
        foreach (var warning in manifest.Warnings)
        {
            context.Error.WriteLine($"{warning.File ?? "gac-build"}: warning {warning.Code}: {warning.Message}");
        }

        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(manifest.Serialize());
            return ExitCodes.Success;
        }

        var relative = Path.GetRelativePath(context.WorkingDirectory, bundle);
        context.Out.WriteLine($"compressed: wrote candidate bundle {relative} ({manifest.Files.Count} files, {manifest.Files.Sum(f => f.Bytes) / 1e6:F1} MB)");
        context.Out.WriteLine(Invariant($"  plan       {manifest.Plan.Strategy}: {manifest.Plan.Summary.AlignedPercentAfter:0.#}% aligned to multiples of {manifest.Plan.Summary.Alignment}; gac {manifest.Plan.Summary.ParametersAligned:N0} of {manifest.Plan.Summary.ParametersOriginal:N0} linear parameters"));
        context.Out.WriteLine($"  next       gac-build validate {relative}");
        return ExitCodes.Success;
    }

    internal static void Write(CommandContext context, string spec, PipelineResult result)
    {
        foreach (var warning in result.Warnings)
        {
            context.Report(warning);
        }

        foreach (var goal in result.Report.Gate.Goals.Where(g => g.Status != "passed"))
        {
            context.Report(new Diagnostic(DiagnosticCatalogue.GateRejected, $"gate goal {goal.Name} {goal.Status}: {goal.Reason}", new SourceLocation(spec)));
        }

        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(ReportJson.Serialize(result.Report));
            return;
        }

        var report = result.Report;
        var plan = report.Plan;
        context.Out.WriteLine(result.Accepted ? $"accepted: wrote {result.ArtifactPath}" : $"rejected: {result.ArtifactPath} not written");
        if (plan is not null)
        {
            context.Out.WriteLine(Invariant($"  plan       compressor left {plan.MisalignedBefore} of {plan.CompressedBefore} compressed dims misaligned; after alignment {plan.AlignedPercentAfter:0.#}% aligned to multiples of {plan.Alignment}"));
            context.Out.WriteLine(Invariant($"  params     original {plan.ParametersOriginal:N0}, unaligned {plan.ParametersUnaligned:N0}, gac {plan.ParametersAligned:N0} (linear layers)"));
        }

        if (report.Fidelity is { } fidelity)
        {
            context.Out.WriteLine(Invariant($"  fidelity   gac: relative error {fidelity.RelativeL2Error:0.####}, cosine {fidelity.Cosine:0.#####}") +
                (report.FidelityUnaligned is { } u ? Invariant($"; unaligned: {u.RelativeL2Error:0.####}, {u.Cosine:0.#####}") : string.Empty));
            if (fidelity.SentenceCosine is { } sentences)
            {
                context.Out.WriteLine(Invariant($"  sentences  {fidelity.Pooling} pooling, mean cosine to the original on {fidelity.Samples} held-out batches: gac {sentences:0.#####}") +
                    (report.FidelityUnaligned?.SentenceCosine is { } us ? Invariant($", unaligned {us:0.#####}") : string.Empty));
            }

            if (fidelity.PerplexityCandidate is { } ppl && fidelity.PerplexityOriginal is { } original)
            {
                context.Out.WriteLine(Invariant($"  perplexity original {original:0.###}, gac {ppl:0.###}") +
                    (report.FidelityUnaligned?.PerplexityCandidate is { } up ? Invariant($", unaligned {up:0.###}") : string.Empty));
            }
        }

        foreach (var section in report.Latency)
        {
            var variants = string.Join(", ", section.Variants.Select(v => Invariant($"{v.Variant} {v.P50Ms:0.###} ms")));
            context.Out.WriteLine($"  latency    [{section.Bucket}] p50 {variants} on {report.Runtime.ProviderUsed}");
        }

        context.Out.WriteLine($"  reports    {string.Join(", ", result.ReportFiles.Select(f => Path.GetRelativePath(context.WorkingDirectory, f)))}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One line per step on stderr, so stdout stays clean for --format json.</summary>
    internal sealed class ConsoleProgress(TextWriter output) : IProgress<PipelineProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Report(PipelineProgress value)
            => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s {value.Step}] {value.Message}"));
    }
}

/// <summary>How much of a run <c>--stage</c> asks for.</summary>
public enum RunStage
{
    All,
    Compress,
}
