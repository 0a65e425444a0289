namespace Gac.Core.Planning;

/// <summary>
/// Shape-only planning problems for well-known models, for tests, examples and `plan --layers`
/// without weights. Shapes from GAC-METHOD §6.
/// </summary>
public static class ShapeOnlyModels
{
    /// <summary>ASVD's per-layer parameter-ratio grid {0.4 … 0.9, 1.0} (GAC-METHOD §5); 1.0 keeps the layer dense.</summary>
    public static IReadOnlyList<double> AsvdRatioGrid { get; } = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    // Relative sensitivities are synthetic (no weights here): projections that shrink the residual
    // stream's inputs (k/v, down) are made more sensitive than q/o and gate/up.
    private static (string Name, long In, long Out, double Sensitivity)[] Llama3Block(long hidden, long keyValue, long mlp) =>
    [
        ("self_attn.q_proj", hidden, hidden, 0.8),
        ("self_attn.k_proj", hidden, keyValue, 1.6),
        ("self_attn.v_proj", hidden, keyValue, 1.9),
        ("self_attn.o_proj", hidden, hidden, 1.0),
        ("mlp.gate_proj", hidden, mlp, 0.9),
        ("mlp.up_proj", hidden, mlp, 0.9),
        ("mlp.down_proj", mlp, hidden, 1.3),
    ];

    /// <summary>
    /// Llama-3-8B (32 blocks × 7 linear layers = 224) with ASVD-style per-layer ranks at compression
    /// ratio <paramref name="compressionRatio"/> (0.15 removes 15% of the 6,979,321,856 linear
    /// parameters). Each layer gets the smallest grid ratio p whose synthetic sensitivity
    /// c·(1 − p)² stays under a global threshold, the threshold being the lowest that meets the
    /// budget (ASVD's global cut); its rank is r = floor(p·m·n/(m+n)), e.g. 327, 409, 1592
    /// (GAC-METHOD §5–6). Sensitivities come from a fixed seed, so the problem is reproducible.
    /// Importance is the sensitivity's slope per parameter at the chosen ratio, normalised to mean 1.
    /// </summary>
    public static PlanningProblem Llama3_8B_Asvd(double compressionRatio = 0.15, int seed = 2604)
        => Llama3Asvd("llama3-8b", blocks: 32, hidden: 4096, keyValue: 1024, mlp: 14336, compressionRatio, seed);

    /// <summary>
    /// Llama-3-70B (80 blocks × 7 linear layers = 560 decisions; hidden 8192, 64 query heads and 8 KV
    /// heads of 128 so k/v are 8192×1024, MLP 28672 — Meta's published config), targets chosen as in
    /// <see cref="Llama3_8B_Asvd"/>, with the budget the targets' own (GAC-METHOD §2, same budget):
    /// the planner benchmark's large instance.
    /// </summary>
    public static PlanningProblem Llama3_70B_Asvd(double compressionRatio = 0.15, int seed = 2604)
        => Llama3Asvd("llama3-70b", blocks: 80, hidden: 8192, keyValue: 1024, mlp: 28672, compressionRatio, seed)
            with { Budget = PlanningBudget.SameAsTargets };

    private static PlanningProblem Llama3Asvd(string model, int blocks, long hidden, long keyValue, long mlp, double compressionRatio, int seed)
    {
        var random = new Random(seed);
        var layers = new List<(string Id, long In, long Out, double C)>();
        var block = Llama3Block(hidden, keyValue, mlp);
        var last = blocks - 1;
        for (var b = 0; b < blocks; b++)
        {
            // ASVD and SVD-LLM report the first and last blocks as the most sensitive.
            var depth = b <= 1 || b == last ? 4.0 : 1.0 + (0.5 * Math.Cos(Math.PI * b / last));
            foreach (var (name, k, n, s) in block)
            {
                var jitter = 0.6 + (0.8 * random.NextDouble());
                layers.Add(($"model.layers.{b}.{name}", k, n, s * depth * jitter));
            }
        }

        return AsvdStyle($"{model}-asvd-{compressionRatio * 100:0}", layers, compressionRatio);
    }

    /// <summary>
    /// ASVD-style targets for any model's linear layers from shapes alone (e.g. from config.json):
    /// the same synthetic sensitivities by role as <see cref="Llama3_8B_Asvd"/>, the first two and the
    /// last block made more sensitive, jitter from <paramref name="seed"/>. Layers in no recognised
    /// block (an LM head) are left out, as ASVD leaves them dense.
    /// </summary>
    public static PlanningProblem FromInventory(Model.ModelInventory inventory, double compressionRatio, int seed = 2604)
    {
        var random = new Random(seed);
        var blocks = inventory.Layers.Where(l => l.Group is not null).Select(l => BlockOf(l.Name)).Distinct().ToList();
        var layers = inventory.Layers.Where(l => l.Group is not null).Select(l =>
        {
            var block = blocks.IndexOf(BlockOf(l.Name));
            var last = Math.Max(1, blocks.Count - 1);
            var depth = block <= 1 || block == last ? 4.0 : 1.0 + (0.5 * Math.Cos(Math.PI * block / last));
            var jitter = 0.6 + (0.8 * random.NextDouble());
            return (l.Name, l.InFeatures, l.OutFeatures, RoleSensitivity(l.Role) * depth * jitter);
        }).ToList();
        return AsvdStyle($"{Path.GetFileNameWithoutExtension(inventory.Source)}-asvd-{compressionRatio * 100:0}", layers, compressionRatio);
    }

    private static string BlockOf(string layer)
    {
        var parts = layer.Split('.');
        var index = Array.FindIndex(parts, p => p.Length > 0 && p.All(char.IsAsciiDigit));
        return index < 0 ? string.Empty : string.Join('.', parts.Take(index + 1));
    }

    private static double RoleSensitivity(Model.LinearRole role) => role switch
    {
        Model.LinearRole.Query => 0.8,
        Model.LinearRole.Key => 1.6,
        Model.LinearRole.Value => 1.9,
        Model.LinearRole.AttentionOutput => 1.0,
        Model.LinearRole.MlpGate or Model.LinearRole.MlpUp => 0.9,
        Model.LinearRole.MlpDown => 1.3,
        _ => 1.0,
    };

    private static PlanningProblem AsvdStyle(string name, List<(string Id, long In, long Out, double C)> layers, double compressionRatio)
    {
        var budget = PlanningBudget.FromCompressionRatio(compressionRatio);
        var dense = layers.Sum(l => l.In * l.Out);
        var limit = (1 - compressionRatio) * dense;

        double RatioFor((string Id, long In, long Out, double C) layer, double threshold)
            => AsvdRatioGrid.First(p => layer.C * (1 - p) * (1 - p) <= threshold);
        double ParamsAt(double threshold)
            => layers.Sum(l => RatioFor(l, threshold) is var p && p >= 1.0 ? l.In * l.Out : Rank(l.In, l.Out, p) * (double)(l.In + l.Out));

        var thresholds = layers.SelectMany(l => AsvdRatioGrid.Select(p => l.C * (1 - p) * (1 - p))).Distinct().Order().ToArray();
        var cut = thresholds.First(t => ParamsAt(t) <= limit);

        var slopes = layers.Select(l => 2 * l.C * (1 - RatioFor(l, cut)) / (l.In * (double)l.Out) + (1e-3 * l.C / (l.In * (double)l.Out))).ToArray();
        var meanSlope = slopes.Average();
        var decisions = layers.Select((l, i) =>
        {
            var p = RatioFor(l, cut);
            var target = p >= 1.0 ? Math.Min(l.In, l.Out) : Rank(l.In, l.Out, p);
            return PlanningDecision.LowRank(l.Id, l.In, l.Out, target, Math.Round(slopes[i] / meanSlope, 6));
        }).ToList();
        return new PlanningProblem(name, decisions, budget);
    }

    /// <summary>Description written into examples/plans/llama3-70b-asvd-15.json.</summary>
    public const string Llama3_70BAsvdDescription =
        "Llama-3-70B, 560 linear layers (80 blocks; hidden 8192, 64 query and 8 KV heads of 128, MLP 28672), ASVD-style ranks " +
        "r = floor(p*m*n/(m+n)) from the grid {0.4..0.9, 1.0} with synthetic sensitivities (seed 2604); importance = sensitivity " +
        "slope per parameter; the budget is the targets' own. Generated by ShapeOnlyModels.Llama3_70B_Asvd(0.15).";

    /// <summary>Description written into examples/plans/llama3-8b-asvd-15.json.</summary>
    public const string Llama3AsvdDescription =
        "Llama-3-8B, 224 linear layers, ASVD-style ranks r = floor(p*m*n/(m+n)) from the grid {0.4..0.9, 1.0} " +
        "with synthetic sensitivities (seed 2604); importance = sensitivity slope per parameter. " +
        "Generated by ShapeOnlyModels.Llama3_8B_Asvd(0.15).";

    /// <summary>The "$schema" the committed examples use, relative to examples/plans/.</summary>
    public const string ExampleSchemaReference = "../../src/Gac.Core/Planning/plan-layers.schema.json";

    /// <summary>ASVD's rank for parameter ratio p of an m×n weight: r = floor(p·m·n/(m+n)).</summary>
    public static long Rank(long m, long n, double p) => (long)Math.Floor((p * m * n / (m + n)) + 1e-9);
}
