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
/// </summary>
public sealed class RunCommand : GacCommand
{
    private readonly Argument<string> _spec;
    private readonly Option<string?> _output;
    private readonly Option<string?> _reportDir;
    private readonly Option<ExecutionProviderChoice?> _provider;
    private readonly Option<int?> _iterations;
    private readonly Option<bool> _progress;

    public RunCommand(CliHost host)
        : base(host, "run", "Compress, align, validate and gate a model; write the artifact only when accepted.")
    {
        _spec = Add(Required("spec", "The gac.yaml to run."));
        _output = Add(CliOptions.Text("--output", "path", "Write the accepted artifact here instead of export.path; its reports go beside it unless --report-dir is given."));
        _reportDir = Add(CliOptions.Text("--report-dir", "dir", "Write the reports here instead of report.directory."));
        _provider = Add(CliOptions.Provider("Override validation.provider"));
        _iterations = Add(CliOptions.Int("--iterations", "N", "Override validation.iterations (latency samples per variant).", 1, 1_000_000));
        _progress = Add(CliOptions.Flag("--progress", "Print progress lines on stderr even when it is redirected (they are shown on a terminal anyway)."));
    }

    protected override int Execute(CommandContext context) => ExecuteAsync(context).GetAwaiter().GetResult();

    /// <summary>The pipeline runs with the command's token: Ctrl-C or SIGTERM unwinds it (scratch removed, nothing published).</summary>
    protected override async Task<int> ExecuteAsync(CommandContext context)
    {
        var given = context.Get(_spec);
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

    private static void Write(CommandContext context, string spec, PipelineResult result)
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
    private sealed class ConsoleProgress(TextWriter output) : IProgress<PipelineProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Report(PipelineProgress value)
            => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s {value.Step}] {value.Message}"));
    }
}
