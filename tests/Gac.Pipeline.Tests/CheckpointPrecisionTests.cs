using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Tests;

/// <summary>
/// export.dtype auto (the default) keeps a Hugging Face checkpoint's precision end to end: the trained
/// tiny-llama stored as F16 or BF16 gives an fp16 or bf16 artifact whose uncompressed weights (token
/// embedding, norm gains) are bit for bit the checkpoint's — half → float32 → half is exact — while
/// the bundled F32 examples and ONNX models stay fp32 as before.
/// </summary>
public sealed class CheckpointPrecisionTests : IDisposable
{
    private static readonly string TinyLlama = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-precision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_F16_checkpoint_runs_to_an_fp16_artifact_holding_the_checkpoint_bits()
    {
        var spec = Spec(Checkpoint(SafetensorsDType.F16));

        var result = await GacPipeline.RunAsync(spec);

        Assert.True(result.Accepted, string.Join("; ", result.Warnings.Select(w => w.Message)));
        var artifact = OnnxModelFile.Load(Path.Combine(_folder, "out", "model.gac.onnx"), loadExternalData: true).Model.Graph;
        AssertHalfCopy(artifact, OnnxDataType.Float16, "model.embed_tokens.weight", v => BitConverter.HalfToUInt16Bits((Half)v));
        AssertHalfCopy(artifact, OnnxDataType.Float16, "model.norm.weight", v => BitConverter.HalfToUInt16Bits((Half)v));
    }

    [Fact]
    public async Task A_BF16_checkpoint_compresses_to_bf16_variants_holding_the_checkpoint_bits_and_is_not_validated_on_the_CPU()
    {
        var spec = Spec(Checkpoint(SafetensorsDType.BF16));
        Assert.Equal(ExportDType.Auto, spec.Export.DType);
        Assert.Equal(ExportDType.Bf16, ExportPrecision.Resolve(spec));

        var manifest = GacPipeline.CompressToBundle(spec, Path.Combine(_folder, "bundle"));

        var aligned = OnnxModelFile.Load(Path.Combine(_folder, "bundle", manifest.Variants.Aligned.Path), loadExternalData: true).Model.Graph;
        AssertHalfCopy(aligned, OnnxDataType.BFloat16, "model.embed_tokens.weight", BFloat16Bits.FromSingle);
        AssertHalfCopy(aligned, OnnxDataType.BFloat16, "model.layers.0.input_layernorm.weight", BFloat16Bits.FromSingle);
        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(spec));
        Assert.Equal("GAC3071", error.Diagnostics.Single().Code);
        Assert.Contains("export.dtype auto is bf16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_is_fp32_for_the_F32_example_and_an_ONNX_model_and_GAC1240_for_mixed_matrices()
    {
        Assert.Equal(ExportDType.Fp32, ExportPrecision.Resolve(Spec(TinyLlama)));
        using var workspace = new PipelineWorkspace();
        Assert.Equal(ExportDType.Fp32, ExportPrecision.Resolve(workspace.Spec(dtype: "auto")));

        var mixed = Checkpoint(SafetensorsDType.BF16, keepF32: "lm_head.weight");
        var error = Assert.Throws<GacException>(() => ExportPrecision.Resolve(Spec(mixed)));

        Assert.Equal("GAC1240", error.Diagnostics.Single().Code);
        Assert.Contains("lm_head.weight", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The artifact's half copy of checkpoint tensor <paramref name="name"/> holds exactly the checkpoint's bits.</summary>
    private static void AssertHalfCopy(Onnx.Ir.GraphProto graph, OnnxDataType type, string name, Func<float, ushort> bits)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(TinyLlama);
        var expected = checkpoint.ReadFloat32(name).Select(bits).ToArray();
        var tensor = graph.Initializer.Single(t => t.Name.StartsWith(name, StringComparison.Ordinal) && t.DataType == (int)type);
        var actual = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(tensor.RawData.Span).ToArray();
        Assert.Equal(expected, actual);
    }

    /// <summary>tiny-llama with its weights stored as <paramref name="dtype"/> (F32 values rounded to nearest even, as torch's .to() does).</summary>
    private string Checkpoint(string dtype, string? keepF32 = null)
    {
        var folder = Path.Combine(_folder, $"tiny-llama-{dtype}{(keepF32 is null ? string.Empty : "-mixed")}");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(TinyLlama).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        using var source = SafetensorsCheckpoint.Open(TinyLlama);
        var tensors = source.Names.Order(StringComparer.Ordinal)
            .Select(n => new SafetensorsTensor(n, source.Shape(n), source.ReadFloat32(n), n == keepF32 ? SafetensorsDType.F32 : dtype))
            .ToList();
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), tensors);
        return folder;
    }

    private GacSpec Spec(string checkpoint)
    {
        var path = Path.Combine(_folder, $"{Path.GetFileName(checkpoint)}.yaml");
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {checkpoint}
            calibration:
              samples: 2
              text: {Path.Combine(TinyLlama, "heldout.txt")}
              dims: {"{"} batch: 1, seq: 32 {"}"}
            compress:
              method: asvd
              ratio: 0.15
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: {Path.Combine(_folder, "out", "model.gac.onnx")}
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
}
