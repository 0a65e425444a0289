using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx;
using Gac.Onnx.Rewrites;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Tests;

/// <summary>
/// export.dtype bf16 on a machine without CUDA: the compress stage runs (its calibration probes see the
/// bf16 variants through Bf16Emulation) and writes bfloat16-compute variants; a run or validate that
/// would validate on the CPU provider is refused with GAC3071 before any work, naming the way out.
/// </summary>
public sealed class Bf16PipelineTests
{
    [Fact]
    public async Task A_bf16_run_on_the_CPU_provider_is_GAC3071_before_anything_is_compressed()
    {
        using var workspace = new PipelineWorkspace();

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(dtype: "bf16", provider: "cpu")));

        Assert.Equal("GAC3071", error.Diagnostics.Single().Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains("provider is cpu", error.Message, StringComparison.Ordinal);
        Assert.Contains("--stage compress", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.ArtifactPath));
    }

    [Fact]
    public async Task The_compress_stage_writes_bfloat16_variants_and_validate_on_the_CPU_is_GAC3071()
    {
        using var workspace = new PipelineWorkspace();
        var bundle = Path.Combine(workspace.Folder, "bundle");

        var manifest = GacPipeline.CompressToBundle(workspace.Spec(dtype: "bf16", provider: "cpu"), bundle);

        foreach (var variant in new[] { manifest.Variants.Unaligned, manifest.Variants.Aligned })
        {
            var model = OnnxModelFile.Load(Path.Combine(bundle, variant.Path));
            var bfloat = model.Model.Graph.Initializer.Where(t => t.DataType == (int)OnnxDataType.BFloat16).Select(t => t.Name).ToHashSet();
            var matMuls = model.Model.Graph.Node.Where(n => n.OpType is "MatMul" or "Gemm" && bfloat.Contains(n.Input[1])).ToList();
            Assert.NotEmpty(matMuls);
            Assert.DoesNotContain(model.Model.Graph.Initializer, t => t.DataType == (int)OnnxDataType.Float16);
            // The emulated variant runs on the CPU provider and stays close to the original on the calibration-shaped input.
            var (emulated, wrapped) = Bf16Emulation.Apply(model);
            Assert.Equal(matMuls.Count, wrapped);
            Assert.All(Run(emulated.ToByteArray()), v => Assert.True(float.IsFinite(v)));
        }

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.ValidateAsync(bundle));
        Assert.Equal("GAC3071", error.Diagnostics.Single().Code);
        Assert.False(File.Exists(workspace.ArtifactPath));
    }

    /// <summary>
    /// On a CUDA runner (ONNX Runtime's bfloat16 MatMul/Gemm need sm_80 or newer): the bf16 artifact validates
    /// natively and its fidelity stays within bfloat16 rounding of the fp32 run's — the fp16 check's margin
    /// (0.01) times 8, bfloat16's roundoff 2^-8 against float16's 2^-11. Not run here (no GPU); the CPU path is checked above.
    /// </summary>
    [GpuFact(MinimumComputeCapability = 8.0)]
    public async Task On_CUDA_a_bf16_run_validates_within_bfloat16_rounding_of_the_fp32_run()
    {
        using var workspace = new PipelineWorkspace();
        var fp32 = await GacPipeline.RunAsync(workspace.Spec(name: "fp32.yaml", provider: "cuda"));
        var fp32Bytes = new FileInfo(workspace.ArtifactPath).Length;

        var bf16 = await GacPipeline.RunAsync(workspace.Spec(name: "bf16.yaml", dtype: "bf16", provider: "cuda"));

        Assert.True(fp32.Accepted && bf16.Accepted);
        Assert.Equal("cuda", bf16.Report.Runtime.ProviderUsed);
        Assert.InRange(new FileInfo(workspace.ArtifactPath).Length, fp32Bytes * 0.45, fp32Bytes * 0.6);
        Assert.InRange(bf16.Report.Fidelity!.RelativeL2Error, 0, fp32.Report.Fidelity!.RelativeL2Error + 0.08);
    }

    private static float[] Run(byte[] model)
    {
        using var session = new InferenceSession(model);
        var input = session.InputMetadata.Single();
        var shape = input.Value.Dimensions.Select(d => d > 0 ? d : 16).ToArray();
        var values = Enumerable.Range(0, shape.Aggregate(1, (a, d) => a * d)).Select(i => (float)Math.Sin(i)).ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(values, shape))]);
        return results[0].AsEnumerable<float>().ToArray();
    }
}
