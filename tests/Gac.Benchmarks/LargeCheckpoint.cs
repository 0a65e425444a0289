using System.Globalization;
using System.Text.RegularExpressions;
using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;

namespace Gac.Benchmarks;

/// <summary>
/// <c>large-checkpoint &lt;folder&gt; [--gb N | --fraction-of-ram F | --layers N] [--shape S] [--dtype F32|BF16|F16] [--seed S]</c>:
/// writes a Llama-architecture Hugging Face checkpoint with as many layers as it takes to reach the
/// requested size (or exactly --layers), one shard per layer, so build/large-checkpoint.sh can show
/// the pipeline compressing a checkpoint larger than half of this machine's memory and measure its
/// peak RSS, and build/gpu-acceptance.sh can compress a model with Llama-3-8B's GEMM shapes.
/// Shapes: tinyllama (default; TinyLlama-1.1B: hidden 2048, MLP 5632, 32 query heads on 4 k/v
/// heads, vocab 32000), llama3-8b (Meta-Llama-3-8B's config.json: hidden 4096, MLP 14336, 32 heads
/// on 8 k/v heads, vocab 128256, rope_theta 500000), small (hidden 256, MLP 896, 8 heads on 2: the
/// CPU dry run of the acceptance script). The head is untied in all.
/// Weights are seeded uniform with std 0.02 (a common initialisation): the point is size, not skill.
/// --dtype BF16 stores them as a released Llama-3 checkpoint does (F32 by default; sizes follow the dtype).
/// </summary>
internal static partial class LargeCheckpoint
{
    private static readonly Dictionary<string, string> Shapes = new(StringComparer.Ordinal)
    {
        ["tinyllama"] = """
            { "model_type": "llama", "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": LAYERS,
              "num_attention_heads": 32, "num_key_value_heads": 4, "vocab_size": 32000, "max_position_embeddings": 2048,
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false }
            """,
        ["llama3-8b"] = """
            { "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": LAYERS,
              "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192,
              "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": false }
            """,
        ["small"] = """
            { "model_type": "llama", "hidden_size": 256, "intermediate_size": 896, "num_hidden_layers": LAYERS,
              "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 512, "max_position_embeddings": 2048,
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false }
            """,
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: large-checkpoint <folder> [--gb N | --fraction-of-ram F | --layers N] [--shape tinyllama|llama3-8b|small] [--dtype F32|BF16|F16] [--seed S]");
            return 2;
        }

        var shapeName = Text(args, "--shape") ?? "tinyllama";
        if (!Shapes.TryGetValue(shapeName, out var template))
        {
            Console.Error.WriteLine($"unknown --shape '{shapeName}': use one of {string.Join(", ", Shapes.Keys)}");
            return 2;
        }

        var dtype = (Text(args, "--dtype") ?? SafetensorsDType.F32).ToUpperInvariant();
        if (dtype is not (SafetensorsDType.F32 or SafetensorsDType.BF16 or SafetensorsDType.F16))
        {
            Console.Error.WriteLine($"unknown --dtype '{dtype}': use F32, BF16 or F16");
            return 2;
        }

        var elementBytes = SafetensorsDType.ElementSize(dtype)!.Value;
        var folder = Path.GetFullPath(args[0]);
        var targetBytes = Option(args, "--gb") is { } gb ? (long)(gb * 1e9)
            : (long)((Option(args, "--fraction-of-ram") ?? 0.53) * PhysicalMemoryBytes());
        var seed = (int)(Option(args, "--seed") ?? 42);

        var oneLayer = TransformerConfigReader.Parse(template.Replace("LAYERS", "1", StringComparison.Ordinal));
        var perLayer = Bytes(CheckpointLayout.Tensors(oneLayer).Where(t => LayerOf(t.Name) == 0), elementBytes);
        var shared = Bytes(CheckpointLayout.Tensors(oneLayer).Where(t => LayerOf(t.Name) is null), elementBytes);
        var layers = Option(args, "--layers") is { } fixedLayers ? (int)fixedLayers : (int)Math.Max(1, Math.Ceiling((double)(targetBytes - shared) / perLayer));
        var configText = template.Replace("LAYERS", layers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var config = TransformerConfigReader.Parse(configText);
        var tensors = CheckpointLayout.Tensors(config);
        var groups = tensors.GroupBy(t => LayerOf(t.Name) ?? -1).ToList();

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configText);
        var total = shared + (layers * perLayer);
        Console.WriteLine($"writing {layers} layers, {total / 1e9:F2} GB of {dtype} weights ({100.0 * total / PhysicalMemoryBytes():F1}% of {PhysicalMemoryBytes() / 1e9:F1} GB RAM) to {folder}");
        var written = 0;
        SafetensorsWriter.WriteShards(
            folder,
            groups.Select(group =>
            {
                Console.Write($"\rshard {++written}/{groups.Count}");
                return (IReadOnlyList<SafetensorsTensor>)group.Select(t => new SafetensorsTensor(t.Name, t.Shape, Values(t.Name, t.Shape, seed), dtype)).ToList();
            }),
            groups.Count);
        Console.WriteLine();
        return 0;
    }

    /// <summary>Norm scales are 1 (as initialised); matrices uniform in ±0.02·√3 (std 0.02).</summary>
    private static float[] Values(string name, long[] shape, int seed)
    {
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var values = new float[count];
        if (shape.Length == 1)
        {
            Array.Fill(values, 1f);
            return values;
        }

        var random = new Random(HashCode.Combine(seed, name.GetHashCode(StringComparison.Ordinal)));
        const float Half = 0.02f * 1.7320508f;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((2 * random.NextSingle()) - 1) * Half;
        }

        return values;
    }

    private static long Bytes(IEnumerable<(string Name, long[] Shape)> tensors, int elementBytes) => elementBytes * tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));

    private static int? LayerOf(string name) => LayerIndex().Match(name) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private static double? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
    }

    private static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>MemTotal: the physical memory "half of RAM" refers to.</summary>
    private static long PhysicalMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    [GeneratedRegex(@"\.layers\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
