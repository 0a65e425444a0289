using System.Globalization;
using System.Text;

namespace Gac.Core.Reports;

/// <summary>A short Markdown page for people and for $GITHUB_STEP_SUMMARY: verdict first, then the tables.</summary>
public static class MarkdownSummary
{
    public const string FileName = "gac.report.md";

    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var icon = report.Gate.Accepted ? "✅" : "❌";
        md.AppendLine("# gac-build report");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**Verdict: {icon} {report.Gate.Verdict}** — {report.Gate.Goals.Count(g => g.Status == "passed")} of " +
            $"{report.Gate.Goals.Count} goals passed{SpeedupNote(report.Gate.SpeedupJudgedOn)}.");
        md.AppendLine();
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"Provider: `{report.Runtime.ProviderUsed}` (requested `{report.Runtime.ProviderRequested}`) · {Gpu(report.Runtime.Hardware)} · CPU "
            + $"{Cell(report.Runtime.Hardware.CpuModel)} ({report.Runtime.Hardware.LogicalCores} threads) · ONNX Runtime "
            + $"{report.Runtime.Hardware.OnnxRuntimeVersion} · gac-build {report.ToolVersion}");

        if (report.Compression is { } c)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"Model `{c.Model}` · compressor **{c.Method}** removing {c.Ratio:P0} of the compressible linear parameters · alignment ") +
                Invariant($"**{c.Strategy}** to `{c.Profile}` · artifact `{c.Artifact}` {(c.ArtifactWritten ? "written" : "not written")}"));
        }

        LayerwiseMarkdown.Scope(md, report);

        foreach (var section in report.Latency)
        {
            md.AppendLine();
            var decode = section.Phase == LatencySection.DecodePhase;
            md.AppendLine(decode
                ? Invariant($"## Decode latency — one step at context {section.ContextLength} ({section.Bucket})")
                : $"## Latency — {section.Bucket}");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| variant | p50 ms | p90 ms | p99 ms | mean ms |{(decode ? " tokens/s |" : string.Empty)} speedup " +
                $"vs original |");
            md.AppendLine(CultureInfo.InvariantCulture, $"|---|---:|---:|---:|---:|{(decode ? "---:|" : string.Empty)}---:|");
            foreach (var variant in section.Variants)
            {
                var speedup = section.Speedups.FirstOrDefault(s => s.Candidate == variant.Variant && s.Baseline == "original");
                var speedupText = variant.Variant == "original" ? "1×" : speedup is null ? "—" : Ratio(speedup);
                var rate = decode ? Invariant($" {section.TokensPerSecond(variant):#,0} |") : string.Empty;
                md.AppendLine(Invariant($"| {variant.Variant} | {variant.P50Ms:0.000} | {variant.P90Ms:0.000} | {variant.P99Ms:0.000} | ") +
                    Invariant($"{variant.MeanMs:0.000} |{rate} {speedupText} |"));
            }

            foreach (var other in section.Speedups.Where(s => s.Baseline != "original"))
            {
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture, $"{other.Candidate} vs {other.Baseline}: {Ratio(other)}");
            }
        }

        LayerwiseMarkdown.BlockLatency(md, report);
        if (report.Plan is { } plan)
        {
            md.AppendLine();
            md.AppendLine("## Plan");
            md.AppendLine();
            md.AppendLine("| | aligned dims (multiple of " + plan.Alignment.ToString(CultureInfo.InvariantCulture) + ") | parameters |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine(Invariant($"| unaligned compressor | {plan.AlignedPercentBefore:0.#}% | {plan.ParametersUnaligned:#,0} |"));
            md.AppendLine(Invariant($"| gac | {plan.AlignedPercentAfter:0.#}% | {plan.ParametersAligned:#,0} |"));
            md.AppendLine(Invariant($"| original | — | {plan.ParametersOriginal:#,0} |"));
            md.AppendLine();
            md.AppendLine(Invariant($"The compressor changed {plan.CompressedBefore} dims and left {plan.MisalignedBefore} of them misaligned; a layer or ") +
                Invariant($"group kept at its original size counts as aligned."));
            LayerTable(md, plan);
        }

        if (report.Selection is { } selection)
        {
            SelectionTable(md, selection);
        }

        if (report.Fidelity is { } fidelity)
        {
            md.AppendLine();
            md.AppendLine("## Fidelity (vs original)");
            md.AppendLine();
            md.AppendLine("| variant | samples | relative L2 error | cosine | top-1 agreement | max abs diff | perplexity |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            if (report.FidelityUnaligned is { } unaligned)
            {
                md.AppendLine(FidelityRow("unaligned", unaligned));
            }

            md.AppendLine(FidelityRow("gac", fidelity));
            if (fidelity.SentenceCosine is { } sentences)
            {
                md.AppendLine();
                md.AppendLine(Invariant($"Metrics compare sentence vectors ({fidelity.Pooling} pooling over the attention mask) on held-out text; mean ") +
                    Invariant($"sentence cosine to the original: gac {sentences:0.#####}") +
                    (report.FidelityUnaligned?.SentenceCosine is { } u ? Invariant($", unaligned {u:0.#####}.") : "."));
            }
        }

        if (report.FidelityLayers is { } layers)
        {
            LayerwiseTable(md, layers);
        }

        md.AppendLine();
        md.AppendLine("## Gate");
        md.AppendLine();
        md.AppendLine("| goal | target | measured | result | reason |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var goal in report.Gate.Goals)
        {
            var result = goal.Status switch
            {
                "passed" => "✅ passed",
                "failed" => "❌ failed",
                _ => "❌ not measured",
            };
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(goal.Name)} | {Cell(goal.Target)} | {Cell(goal.Measured)} | {result} | {Cell(goal.Reason)} " +
                $"|");
        }

        if (report.Warnings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Warnings");
            md.AppendLine();
            foreach (var warning in report.Warnings)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {warning}");
            }
        }

        return md.ToString();
    }

    /// <summary>Per layer: dims, its share of the predicted error at the aligned dim, and what its probes measured (alone and in plan).</summary>
    private static void LayerTable(StringBuilder md, PlanSummary plan)
    {
        if (plan.Layers.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("### Layers");
        md.AppendLine();
        md.AppendLine("Predicted error: the layer's term in the error model the plan was chosen under (squared output error measured with the layer alone " +
            "cut, where probed; else the compressor's objective). Measured alone: relative output error on calibration data with only this layer cut to that " +
            "dim; in plan: with this layer at that dim and every other one at the compressor's dims.");
        md.AppendLine();
        md.AppendLine("| layer | original | compressor d* | gac | aligned | predicted error | share | measured alone | measured in plan |");
        md.AppendLine("|---|---:|---:|---:|:---:|---:|---:|---|---|");
        foreach (var layer in plan.Layers)
        {
            var predicted = layer.PredictedError is { } p ? Invariant($"{p:G4}") : "—";
            var share = layer.ErrorShare is { } s ? Invariant($"{s:P1}") : "—";
            var alone = Probes(layer.MeasuredAlone);
            var inPlan = Probes(layer.MeasuredInPlan);
            md.AppendLine(Invariant($"| {Cell(layer.Name)} | {layer.Original} | {layer.Unconstrained:0.##} | {layer.Aligned} | ") +
                Invariant($"{(layer.IsAligned ? "yes" : "no")} | {predicted} | {share} | {alone} | {inPlan} |"));
        }
    }

    private static string Probes(IReadOnlyList<LayerProbeResult>? probes)
        => probes is not { Count: > 0 } ? "—" : string.Join(", ", probes.Select(m => Invariant($"{m.Dimension}: {m.RelativeError:0.####}")));

    private static void SelectionTable(StringBuilder md, SelectionSection selection)
    {
        md.AppendLine();
        md.AppendLine("## Plan selection (calibration data)");
        md.AppendLine();
        md.AppendLine(Invariant($"{selection.Candidates.Count} aligned plans under the budget were built and measured on {selection.Samples} calibration ") +
            Invariant($"sample(s), never the held-out ones; the lowest {selection.Metric} became the gac variant. The compressor's unaligned dims measured ") +
            Invariant($"{selection.Unaligned:G5}."));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| plan | parameters | calibration {selection.Metric} | chosen | origin |");
        md.AppendLine("|---|---:|---:|:---:|---|");
        foreach (var candidate in selection.Candidates)
        {
            md.AppendLine(Invariant($"| {Cell(candidate.Name)} | {candidate.Parameters:#,0} | {candidate.Measured:G5} | ") +
                Invariant($"{(candidate.Chosen ? "✅" : string.Empty)} | {Cell(candidate.Origin)} |"));
        }
    }

    private static string SpeedupNote(string judgedOn) => judgedOn switch
    {
        "ci-lower" => " (speedups judged by the 95% CI lower bound)",
        "ci-upper" => " (speedups judged by the 95% CI upper bound: missed only when the data prove it)",
        _ => string.Empty,
    };

    private static string Gpu(HardwareSection hardware)
        => hardware.GpuName == "n/a" ? "no GPU" : $"GPU {Cell(hardware.GpuName)} (driver {hardware.GpuDriver}, CUDA {hardware.CudaVersion})";

    private static string Ratio(SpeedupEntry s) => Invariant($"{s.Ratio:0.00}× [{s.CiLow:0.00}, {s.CiHigh:0.00}]");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string FidelityRow(string variant, FidelitySection fidelity)
    {
        var ppl = fidelity.PerplexityOriginal is { } a && fidelity.PerplexityCandidate is { } b ? Invariant($"{a:0.###} → {b:0.###}") : "—";
        return Invariant($"| {variant} | {fidelity.Samples} | {fidelity.RelativeL2Error:0.#####} | {fidelity.Cosine:0.######} | ")
            + Invariant($"{fidelity.Top1Agreement:P1} | {fidelity.MaxAbsDiff:0.#####} | {ppl} |");
    }

    private static void LayerwiseTable(StringBuilder md, LayerwiseFidelitySection layers)
    {
        md.AppendLine();
        md.AppendLine("## Fidelity block by block (layer-wise, not end to end)");
        md.AppendLine();
        md.AppendLine(Invariant($"Each block of a candidate fed the original model's input to that block on {layers.Samples} held-out samples; its outputs ") +
            $"against the original block's ({layers.Reason}).");
        md.AppendLine();
        md.AppendLine("| block | unaligned relative L2 error | unaligned cosine | gac relative L2 error | gac cosine | gac max abs diff |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var b in layers.Blocks)
        {
            md.AppendLine(Invariant($"| {b.Block} | {b.Unaligned.RelativeL2Error:G4} | {b.Unaligned.Cosine:0.######} | {b.Aligned.RelativeL2Error:G4} | ") +
                Invariant($"{b.Aligned.Cosine:0.######} | {b.Aligned.MaxAbsDiff:G4} |"));
        }
    }
}
