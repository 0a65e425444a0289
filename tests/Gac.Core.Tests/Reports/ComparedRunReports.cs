using Gac.Core.Reports;

namespace Gac.Core.Tests.Reports;

/// <summary>
/// Two runs of one 1,000,000-parameter model at one budget, as `gac-build run` records them: ASVD
/// with 4 ranks (1 aligned) and prune with 2 MLP groups (none aligned), each aligned fully by GAC.
/// </summary>
internal static class ComparedRunReports
{
    public const string ModelHash = "5f0c9a1e0b3d4c2a8e7f6a5b4c3d2e1f00112233445566778899aabbccddeeff";

    public static RunReport Asvd() => Create("asvd", unaligned: 850_000, aligned: 849_600, [(1024, 327.4, 320), (1024, 512, 512), (4096, 1433.2, 1432), (4096,
        1591.7, 1592)], originalP50: 10.0, unalignedP50: 9.5, gacP50: 8.0, pplUnaligned: 6.2, pplGac: 6.25);

    public static RunReport Prune() => Create("prune", unaligned: 851_000, aligned: 850_700, [(352, 299, 296), (352, 301, 296)], originalP50: 10.2,
        unalignedP50: 8.9, gacP50: 8.7, pplUnaligned: 6.1, pplGac: 6.12);

    private static RunReport Create(
        string method, long unaligned, long aligned, (long Original, double Target, long Aligned)[] dims,
        double originalP50, double unalignedP50, double gacP50, double pplUnaligned, double pplGac)
    {
        var layers = dims.Select((d, i) => new LayerDimension($"{method}.{i}", d.Original, d.Target, d.Aligned, d.Aligned % 8 == 0)
        {
            UnconstrainedIsAligned = (long)d.Target % 8 == 0 && d.Target % 1 == 0,
        }).ToArray();
        VariantLatency Variant(string name, double p50) => new(name, p50, p50 * 1.1, p50 * 1.2, p50 * 1.02, 30, p50 * 0.98, p50 * 1.02);
        return new RunReport(
            "0.1.0",
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
            new InputHashes(new string('a', 64), ModelHash, new string('d', 64)),
            new RuntimeSection("auto", "cpu", new HardwareSection("test CPU", 2, "Debian 12", "10.0.0", "1.31.1", "n/a", "n/a", "n/a", 2)),
            new PlanSummary(8, layers, 25, 100, 1_000_000, unaligned, aligned),
            [
                new LatencySection("batch=1,seq=128", 5,
                    [Variant("original", originalP50), Variant("unaligned", unalignedP50), Variant("gac", gacP50)],
                    [
                        new SpeedupEntry("unaligned", "original", originalP50 / unalignedP50, 1.0, 1.1),
                        new SpeedupEntry("gac", "original", originalP50 / gacP50, 1.2, 1.3),
                        new SpeedupEntry("gac", "unaligned", unalignedP50 / gacP50, 1.1, 1.2),
                    ]),
            ],
            new FidelitySection(16, 0.05, 0.999, 0.9, 0.3, 6.0, pplGac),
            new GateSection("accepted", false, []),
            [])
        {
            Compression = new CompressionSection("../models/m", method, 0.15, "gac", "generic-8", "out/m.gac.onnx", true),
            FidelityUnaligned = new FidelitySection(16, 0.04, 0.999, 0.9, 0.3, 6.0, pplUnaligned),
        };
    }
}
