using Gac.Core.Gate;
using Gac.Core.Reports;

namespace Gac.Core.Tests.Reports;

/// <summary>A report shaped like the paper's Llama-3-8B ASVD case (GAC-METHOD §1), small enough to read.</summary>
internal static class SampleReport
{
    public static RunReport Create(int layerCount = 12)
    {
        var random = new Random(7);
        var layers = Enumerable.Range(0, layerCount).Select(i =>
        {
            var unconstrained = 300 + random.Next(0, 500) + 0.37;
            var aligned = (long)Math.Round(unconstrained / 8) * 8;
            var isAligned = i % 5 != 4;
            return new LayerDimension($"model.layers.{i}.self_attn.k_proj", 1024, unconstrained, isAligned ? aligned : aligned + 3, isAligned);
        }).ToArray();
        var verdict = QualityGate.Evaluate(
            new GateGoals(MinSpeedupVsOriginal: Threshold.Parse("1.2"), MinSpeedupVsUnaligned: Threshold.Parse("20%"),
                MaxPerplexityIncrease: Threshold.Parse("0.1"), MinCosine: 0.99),
            new MeasuredOutcome(
                SpeedupVsOriginal: new SpeedupMeasurement(1.48, 1.41, 1.55),
                SpeedupVsUnaligned: new SpeedupMeasurement(1.50, 1.44, 1.57),
                Cosine: 0.998,
                OriginalPerplexity: 9.88,
                CandidatePerplexity: 10.30));
        return new RunReport(
            "0.1.0",
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
            new InputHashes(new string('a', 64), new string('b', 64), null),
            new RuntimeSection("auto", "cuda", new HardwareSection("AMD EPYC 7V13", 16, "Debian 12", "10.0.0", "1.31.1", "NVIDIA A100-SXM4-80GB", "550.54",
                "12.4", 16)),
            new PlanSummary(8, layers, 5, 100, 6_979_321_856, 5_932_423_577, 5_931_000_000),
            [
                new LatencySection("batch=1,seq=1024", 10,
                [
                    new VariantLatency("original", 99.6, 101.2, 104.0, 99.9, 100, 99.1, 100.2),
                    new VariantLatency("unaligned", 100.5, 102.0, 106.1, 100.8, 100, 99.8, 101.0),
                    new VariantLatency("gac", 67.1, 68.0, 70.2, 67.3, 100, 66.7, 67.6),
                ],
                [
                    new SpeedupEntry("gac", "original", 1.48, 1.41, 1.55),
                    new SpeedupEntry("unaligned", "original", 0.99, 0.97, 1.01),
                    new SpeedupEntry("gac", "unaligned", 1.50, 1.44, 1.57),
                ]),
            ],
            new FidelitySection(32, 0.031, 0.998, 0.97, 0.41, 9.88, 10.30),
            GateSection.From(verdict),
            ["provider auto: example warning"]);
    }
}
