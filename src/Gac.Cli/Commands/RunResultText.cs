using System.Globalization;
using Gac.Core.Reports;
using Gac.Pipeline;

namespace Gac.Cli.Commands;

/// <summary>
/// What run and validate print for a finished run: warnings and the gate's reasons on stderr, then the
/// report (JSON) or a summary of plan, fidelity, latency and the files written (text).
/// </summary>
internal static class RunResultText
{
    /// <param name="source">The spec or bundle as the user named it: the gate's reasons point at it.</param>
    public static void Write(CommandContext context, string source, PipelineResult result)
    {
        foreach (var warning in result.Warnings)
        {
            context.Report(warning);
        }

        foreach (var goal in result.Report.Gate.Goals.Where(g => g.Status != "passed"))
        {
            context.Report(new Diagnostic(DiagnosticCatalogue.GateRejected, $"gate goal {goal.Name} {goal.Status}: {goal.Reason}", new SourceLocation(source)));
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
            context.Out.WriteLine(Invariant($"  plan       compressor left {plan.MisalignedBefore} of {plan.CompressedBefore} compressed dims misaligned; ") +
                Invariant($"after alignment {plan.AlignedPercentAfter:0.#}% aligned to multiples of {plan.Alignment}"));
            context.Out.WriteLine(Invariant($"  params     original {plan.ParametersOriginal:N0}, unaligned {plan.ParametersUnaligned:N0}, ") +
                Invariant($"gac {plan.ParametersAligned:N0} (linear layers)"));
        }

        if (report.Fidelity is { } fidelity)
        {
            context.Out.WriteLine(Invariant($"  fidelity   gac: relative error {fidelity.RelativeL2Error:0.####}, cosine {fidelity.Cosine:0.#####}") +
                (report.FidelityUnaligned is { } u ? Invariant($"; unaligned: {u.RelativeL2Error:0.####}, {u.Cosine:0.#####}") : string.Empty));
            if (fidelity.SentenceCosine is { } sentences)
            {
                context.Out.WriteLine(
                    Invariant($"  sentences  {fidelity.Pooling} pooling, mean cosine to the original on {fidelity.Samples} held-out batches: ") +
                    Invariant($"gac {sentences:0.#####}") +
                    (report.FidelityUnaligned?.SentenceCosine is { } us ? Invariant($", unaligned {us:0.#####}") : string.Empty));
            }

            if (fidelity.PerplexityCandidate is { } ppl && fidelity.PerplexityOriginal is { } original)
            {
                context.Out.WriteLine(Invariant($"  perplexity original {original:0.###}, gac {ppl:0.###}") +
                    (report.FidelityUnaligned?.PerplexityCandidate is { } up ? Invariant($", unaligned {up:0.###}") : string.Empty));
            }
        }

        if (report.FidelityLayers is { Blocks.Count: > 0 } layers)
        {
            var worst = layers.Blocks.MaxBy(b => b.Aligned.RelativeL2Error)!;
            context.Out.WriteLine(Invariant($"  layer-wise worst block {worst.Block}: gac relative error {worst.Aligned.RelativeL2Error:0.####}, unaligned ") +
                Invariant($"{worst.Unaligned.RelativeL2Error:0.####} (each block fed the original's input; not end to end)"));
        }

        if (report.BlockLatency is { } block)
        {
            var variants = string.Join(", ", block.Latency.Variants.Select(v => Invariant($"{v.Variant} {v.P50Ms:0.###} ms")));
            context.Out.WriteLine(
                $"  block      [{block.Block}, {block.Latency.Bucket}] p50 {variants} on {report.Runtime.ProviderUsed} (block latency, not model)");
        }

        foreach (var section in report.Latency)
        {
            var variants = string.Join(", ", section.Variants.Select(v => Invariant($"{v.Variant} {v.P50Ms:0.###} ms") + TokenRate(section, v)));
            var label = section.Phase == LatencySection.DecodePhase ? "decode " : "latency";
            context.Out.WriteLine($"  {label}    [{section.Bucket}] p50 {variants} on {report.Runtime.ProviderUsed}");
        }

        context.Out.WriteLine($"  reports    {string.Join(", ", result.ReportFiles.Select(f => Path.GetRelativePath(context.WorkingDirectory, f)))}");
    }

    /// <summary>" (1,234 tokens/s)" for a section that knows its tokens per step (a decode step), else nothing.</summary>
    private static string TokenRate(LatencySection section, VariantLatency variant)
        => section.TokensPerSecond(variant) is { } rate ? Invariant($" ({rate:#,0} tokens/s)") : string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
