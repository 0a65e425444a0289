using Gac.Compression.Checkpoints;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Tests;

/// <summary>
/// A BF16 checkpoint compressed to an fp16 / bf16 artifact keeps its weights in 16 bits end to end: the import stores
/// them as the checkpoint does (behind a Cast to float32) and the variants are written in the export type directly.
/// Reference: the same weights saved as an F32 checkpoint — imported float32, each variant converted by Fp16Conversion
/// from float32, the path every run took before. bfloat16 → float32 is exact and the import's arithmetic is float32,
/// so calibration sees the same numbers and both runs must write the very same artifact: same nodes, same tensors
/// bit for bit, same logits on ONNX Runtime's CPU provider. And at no point does the scratch folder of the 16-bit run
/// hold a float32 weight matrix or a "*.fp32.onnx" variant.
/// </summary>
public sealed class HalfPrecisionRunTests : IDisposable
{
    // Vocabulary 256: generated calibration token ids are drawn below CalibrationFeeds.GeneratedVocabulary.
    private const string MhaLlama = """
        { "model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 4, "vocab_size": 256, "max_position_embeddings": 64 }
        """;

    private static readonly string TinyLlama = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-half-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("bf16", "block-wise", "asvd")]
    [InlineData("fp16", "whole-model", "asvd")]
    [InlineData("fp16", "whole-model", "prune")]
    public void A_BF16_checkpoint_gives_the_artifact_of_its_F32_twin_without_a_float32_weight_in_scratch(string dtype, string mode, string method)
    {
        // Head pruning takes multi-head attention: a generated MHA Llama for prune, the trained GQA tiny-llama otherwise.
        var generated = method == "prune";
        var bf16 = Checkpoint(SafetensorsDType.BF16, generated);
        var f32 = Checkpoint(SafetensorsDType.F32, generated);
        var scratch = new ScratchWatch(Path.Combine(_folder, "scratch-16"));

        var halfRun = GacPipeline.CompressToBundle(Spec(bf16, dtype, mode, method), Path.Combine(_folder, "bundle-16"),
            new PipelineOptions { ScratchRoot = scratch.Root }, scratch);
        var reference = GacPipeline.CompressToBundle(Spec(f32, dtype, mode, method), Path.Combine(_folder, "bundle-32"),
            new PipelineOptions { ScratchRoot = Path.Combine(_folder, "scratch-32") });

        // The 16-bit run's scratch: the import and every variant were seen, none holds a float32 matrix or an fp32 variant file.
        Assert.Contains(scratch.Models, m => Path.GetFileName(m) == "imported.onnx");
        Assert.True(scratch.Models.Count >= 3, string.Join(", ", scratch.Models));
        Assert.Empty(scratch.Float32Matrices);
        Assert.DoesNotContain(scratch.Files, f => f.Contains(".fp32", StringComparison.Ordinal));

        var actual = Load(Path.Combine(_folder, "bundle-16", halfRun.Variants.Aligned.Path));
        var expected = Load(Path.Combine(_folder, "bundle-32", reference.Variants.Aligned.Path));
        Assert.Equal(expected.Node, actual.Node);
        Assert.Equal(expected.Initializer.Select(Bits), actual.Initializer.Select(Bits));
        Assert.Contains(actual.Node, n => n.OpType == "MatMul" && n.Input[1].EndsWith("." + dtype, StringComparison.Ordinal));
        Assert.Contains(actual.Node, n => n.Name.Contains(method == "prune" ? "pruned" : ".lr_b", StringComparison.Ordinal)
            || n.Input.Any(i => i.Contains(method == "prune" ? "pruned" : ".lr_b", StringComparison.Ordinal)));

        if (dtype == "fp16")
        {
            // ONNX Runtime's CPU provider has float16 MatMul (not bfloat16): the two artifacts' logits, bit for bit.
            var ids = File.ReadAllText(Path.Combine(TinyLlama, "heldout.tokens")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Take(32).Select(long.Parse).ToArray();
            Assert.Equal(Run(Path.Combine(_folder, "bundle-32", reference.Variants.Aligned.Path), ids),
                Run(Path.Combine(_folder, "bundle-16", halfRun.Variants.Aligned.Path), ids));
        }
    }

    /// <summary>Name, type, shape and bytes: everything a tensor holds but where it is stored.</summary>
    private static string Bits(TensorProto t) => $"{t.Name}:{t.DataType}:[{string.Join(',', t.Dims)}]:{Convert.ToHexString(t.RawData.Span)}";

    private static GraphProto Load(string path) => OnnxModelFile.Load(path, loadExternalData: true).Model.Graph;

    private static uint[] Run(string model, long[] ids)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [1, ids.Length]))]);
        return results.Single(r => r.Name == CheckpointExport.OutputName).AsTensor<float>().Select(BitConverter.SingleToUInt32Bits).ToArray();
    }

    /// <summary>
    /// tiny-llama's (or a generated multi-head Llama's) weights rounded to bfloat16, stored as <paramref name="dtype"/>:
    /// BF16, or F32 holding the same values.
    /// </summary>
    private string Checkpoint(string dtype, bool generated)
    {
        var folder = Path.Combine(_folder, $"{(generated ? "mha-llama" : "tiny-llama")}-{dtype}");
        Directory.CreateDirectory(folder);
        List<SafetensorsTensor> tensors;
        if (generated)
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), MhaLlama);
            tensors = GeneratedCheckpoint.Tensors(MhaLlama, new Random(7));
        }
        else
        {
            foreach (var file in Directory.GetFiles(TinyLlama).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            using var source = SafetensorsCheckpoint.Open(TinyLlama);
            tensors = source.Names.Order(StringComparer.Ordinal).Select(n => new SafetensorsTensor(n, source.Shape(n), source.ReadFloat32(n))).ToList();
        }

        var rounded = tensors.Select(t => t with
        {
            Values = t.Values.Select(v => BitConverter.Int32BitsToSingle(Core.Numerics.BFloat16Bits.FromSingle(v) << 16)).ToArray(),
            DType = dtype,
        }).ToList();
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), rounded);
        return folder;
    }

    private GacSpec Spec(string checkpoint, string dtype, string mode, string method)
    {
        var path = Path.Combine(_folder, $"{Path.GetFileName(checkpoint)}-{dtype}.yaml");
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {checkpoint}
            calibration:
              samples: 2
              mode: {mode}
            {(checkpoint.Contains("tiny-llama", StringComparison.Ordinal) ? $"  text: {Path.Combine(TinyLlama, "heldout.txt")}" : string.Empty)}
              dims: {"{"} batch: 1, seq: 32 {"}"}
            compress:
              method: {method}
              ratio: 0.15
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: {Path.Combine(_folder, "out", "model.gac.onnx")}
              dtype: {dtype}
            validation:
              provider: cpu
              warmup: 1
              iterations: 3
              heldout_samples: 2
            gate:
              min_aligned_percent: 100
            report:
              directory: {Path.Combine(_folder, "out")}
              formats: [json]
            """);
        return GacSpecLoader.Load(path);
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

    /// <summary>
    /// Lists the scratch folder at every progress report, synchronously (each step reports as it finishes a file): every file
    /// seen, every model seen, and any 2-D float32 initializer (a weight matrix) in any of them.
    /// </summary>
    private sealed class ScratchWatch(string root) : IProgress<PipelineProgress>
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public string Root { get; } = root;

        public HashSet<string> Files { get; } = new(StringComparer.Ordinal);

        public List<string> Models { get; } = [];

        public List<string> Float32Matrices { get; } = [];

        public void Report(PipelineProgress value)
        {
            if (!Directory.Exists(Root))
            {
                return;
            }

            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                Files.Add(Path.GetFileName(file));
                if (file.EndsWith(".onnx", StringComparison.Ordinal) && _read.Add($"{file}@{File.GetLastWriteTimeUtc(file).Ticks}"))
                {
                    Models.Add(file);
                    var graph = OnnxModelFile.Load(file).Model.Graph;
                    Float32Matrices.AddRange(graph.Initializer.Where(t => t.Dims.Count == 2 && t.DataType == (int)OnnxDataType.Float)
                        .Select(t => $"{Path.GetFileName(file)}: {t.Name}"));
                }
            }
        }
    }
}
