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
public sealed class RunCommand : CliCommand
{
    public override string Name => "run";

    public override string Summary => "Compress, align, validate and gate a model; write the artifact only when accepted.";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("spec", "The gac.yaml to run.")];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--output", "Write the accepted artifact here instead of export.path; its reports go beside it unless --report-dir is given.", "path"),
        new("--report-dir", "Write the reports here instead of report.directory.", "dir"),
        ProviderOption.Spec("Override validation.provider"),
        new("--iterations", "Override validation.iterations (latency samples per variant).", "N"),
        new("--progress", "Print progress lines on stderr even when it is redirected (they are shown on a terminal anyway)."),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var given = args.Positionals[0];
        // Options first: a mistyped option is reported before any file is read.
        var options = new PipelineOptions
        {
            OutputPath = args.Value("--output") is { } output ? Path.GetFullPath(output, context.WorkingDirectory) : null,
            ReportDirectory = args.Value("--report-dir") is { } reports ? Path.GetFullPath(reports, context.WorkingDirectory) : null,
            Provider = ProviderOption.Parse(args),
            Iterations = args.IntValue("--iterations", 1, 1_000_000),
        };
        var spec = GacSpecLoader.Load(Path.GetFullPath(given, context.WorkingDirectory));

        using var signals = new CancellationSignals(Gac.Core.Artifacts.ScratchFolder.DeleteAllLive);
        try
        {
            var progress = context.ShowProgress || args.Has("--progress") ? new ConsoleProgress(context.Error) : null;
            var result = GacPipeline.RunAsync(spec, options, progress, signals.Token).GetAwaiter().GetResult();
            Write(context, given, result);
            return result.ExitCode;
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            throw signals.Cancelled();
        }
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
            var variants = string.Join(", ", section.Variants.Select(v => Invariant($"{v.Variant} {v.P50Ms:0.###} ms") + (section.TokensPerSecond(v) is { } rate ? Invariant($" ({rate:#,0} tokens/s)") : string.Empty)));
            var label = section.Phase == LatencySection.DecodePhase ? "decode " : "latency";
            context.Out.WriteLine($"  {label}    [{section.Bucket}] p50 {variants} on {report.Runtime.ProviderUsed}");
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
