using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Exporters;
using Gac.Onnx.Rewrites;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Gac.Compression.Tests.Checkpoints;

/// <summary>
/// export.dtype bf16 on the bundled trained Llama (examples/models/tiny-llama, real held-out text): the
/// bf16 export's weight MatMuls read bfloat16, and its logits — run on the CPU provider through
/// <see cref="Bf16Emulation"/> (float32 compute on exact bfloat16 operands, each product rounded to
/// bfloat16 by ONNX Runtime's own Cast), since that provider has no bfloat16 MatMul — stay within
/// bfloat16 rounding of the fp32 export's.
/// </summary>
public sealed class Bf16ExportTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string TinyLlama = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-bf16-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_tiny_llama_bf16_export_matches_its_fp32_export_within_bfloat16_rounding()
    {
        var config = TransformerConfigReader.Load(Path.Combine(TinyLlama, "config.json"));
        using var checkpoint = SafetensorsCheckpoint.Open(TinyLlama);
        var fp32 = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, "fp32.onnx"),
            new CheckpointExportOptions { FlushToDisk = false }).ModelPath;
        var bf16 = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, "bf16.onnx"),
            new CheckpointExportOptions { FlushToDisk = false, BFloat16Weights = true }).ModelPath;
        var (emulated, wrapped) = Bf16Emulation.Apply(OnnxModelFile.Load(bf16));
        var ids = File.ReadAllText(Path.Combine(TinyLlama, "heldout.tokens")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Take(config.MaxPositions).Select(long.Parse).ToArray();

        var a = Run(File.ReadAllBytes(fp32), ids);
        var b = Run(Google.Protobuf.MessageExtensions.ToByteArray(emulated), ids);

        // q, k, v, o, gate, up, down per layer and lm_head.
        Assert.Equal(7 * config.Layers + 1, wrapped);
        var worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
        var (nllA, nllB) = (MeanNll(a, ids, config.VocabSize), MeanNll(b, ids, config.VocabSize));
        output.WriteLine($"tiny-llama, {ids.Length} held-out tokens: max |bf16 − fp32| = {worst:E2}, max |logit| = {a.Max(Math.Abs):F2}; " +
            $"mean NLL fp32 {nllA:F4}, bf16 {nllB:F4}");
        Assert.True(worst > 0, "bfloat16 rounding must show");
        // Bound: 4 unit roundoffs (2^-8 each: bfloat16 keeps 8 significant bits) of the largest logit — the
        // lm_head's operand, weight and product roundings plus what the four blocks pass on. Measured 1.1e-1 of 15.1 (≈ 1.9 roundoffs).
        var bound = 4 * Math.Pow(2, -8) * a.Max(Math.Abs);
        Assert.True(worst <= bound, $"{worst:E2} > {bound:E2}");
        // What a user sees: the held-out loss moves by 1e-4 nats (measured); bound 1e-2 nats (1% perplexity).
        Assert.True(Math.Abs(nllA - nllB) <= 0.01, $"mean NLL {nllA:F4} vs {nllB:F4}");
    }

    /// <summary>Mean negative log-likelihood of each next token under the logits [seq, vocab].</summary>
    private static double MeanNll(float[] logits, long[] ids, int vocab)
    {
        var total = 0.0;
        for (var t = 0; t + 1 < ids.Length; t++)
        {
            var row = logits.AsSpan(t * vocab, vocab);
            var max = double.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }

            var sum = 0.0;
            foreach (var v in row)
            {
                sum += Math.Exp(v - max);
            }

            total += max + Math.Log(sum) - row[(int)ids[t + 1]];
        }

        return total / (ids.Length - 1);
    }

    private static float[] Run(byte[] model, long[] ids)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [1, ids.Length]))]);
        return results.Single(r => r.Name == CheckpointExport.OutputName).AsTensor<float>().ToArray();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gac.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
