using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Onnx;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Synthetic;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Issue 11 item 1: the artifact that is published is the artifact that was validated. The published
/// model is loaded here the way a user's program loads it — a fresh ONNX Runtime session on the path
/// it was published to, external data resolved beside it — independently of the pipeline's own check.
/// </summary>
public sealed class PublishedArtifactTests
{
    private const int Hidden = 96;

    [Fact]
    public async Task External_data_always_publishes_a_model_that_loads_from_its_final_path_and_names_its_own_data_file()
    {
        using var workspace = new PipelineWorkspace();

        var result = await GacPipeline.RunAsync(workspace.Spec(externalData: "always", gate: "min_cosine: 0.5"));

        Assert.True(result.Accepted);
        var data = workspace.ArtifactPath + ".data";
        Assert.True(File.Exists(data), "external data published beside the artifact");
        Assert.Equal(["model.gac.onnx.data"], ExternalLocations(workspace.ArtifactPath));
        using var session = new InferenceSession(workspace.ArtifactPath);
        Assert.True(Run(session, seed: 1).Length == 16 * Hidden);
    }

    [Fact]
    public async Task External_and_embedded_artifacts_of_one_spec_give_the_same_outputs_from_where_they_were_published()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(externalData: "never", exportPath: "embedded/model.gac.onnx"))).Accepted);
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(externalData: "always", exportPath: "external/model.gac.onnx"))).Accepted);
        var embedded = Path.Combine(workspace.Folder, "embedded", "model.gac.onnx");
        var external = Path.Combine(workspace.Folder, "external", "model.gac.onnx");
        Assert.Empty(ExternalLocations(embedded));
        Assert.NotEmpty(ExternalLocations(external));

        using var a = new InferenceSession(embedded);
        using var b = new InferenceSession(external);
        for (var seed = 0; seed < 3; seed++)
        {
            Assert.Equal(Run(a, seed), Run(b, seed));
        }
    }

    [Fact]
    public async Task The_large_model_path_of_auto_publishes_a_loadable_artifact_with_external_data()
    {
        // external_data: auto switches at protobuf's 2 GB; lowering the switch takes that path with a small model.
        using var workspace = new PipelineWorkspace();
        var options = new PipelineOptions { SingleFileLimitBytes = 64 * 1024 };

        var result = await GacPipeline.RunAsync(workspace.Spec(externalData: "auto"), options);

        Assert.True(result.Accepted);
        Assert.Equal(["model.gac.onnx.data"], ExternalLocations(workspace.ArtifactPath));
        using var session = new InferenceSession(workspace.ArtifactPath);
        Assert.All(Run(session, seed: 2), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public async Task A_published_data_file_that_differs_from_the_validated_one_fails_GAC5021_and_restores_the_earlier_artifact_and_reports()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(externalData: "always", ratio: 0.2))).Accepted);
        var earlier = Snapshot(workspace);
        var options = new PipelineOptions
        {
            // Damage the published weights between the move into place and the verification.
            CommitHook = step =>
            {
                if (step == CommitStep.ModelMoved)
                {
                    FlipBytes(workspace.ArtifactPath + ".data");
                }
            },
        };

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(externalData: "always", ratio: 0.3), options));

        Assert.Equal("GAC5021", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.InternalError, error.ExitCode);
        AssertUnchanged(earlier, workspace);
    }

    [Fact]
    public async Task A_published_model_whose_data_file_is_missing_fails_GAC5020_and_leaves_no_half_published_artifact()
    {
        using var workspace = new PipelineWorkspace();
        var options = new PipelineOptions
        {
            CommitHook = step =>
            {
                if (step == CommitStep.ModelMoved)
                {
                    File.Delete(workspace.ArtifactPath + ".data");
                }
            },
        };

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(externalData: "always"), options));

        Assert.Equal("GAC5020", error.Diagnostics[0].Code);
        Assert.False(File.Exists(workspace.ArtifactPath));
        Assert.False(File.Exists(workspace.ReportPath(ReportJson.FileName)), "reports land with the artifact or not at all");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(workspace.ArtifactPath)!));
    }

    private static Dictionary<string, byte[]> Snapshot(PipelineWorkspace workspace)
        => Directory.GetFiles(Path.GetDirectoryName(workspace.ArtifactPath)!).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    private static void AssertUnchanged(Dictionary<string, byte[]> earlier, PipelineWorkspace workspace)
    {
        var now = Snapshot(workspace);
        Assert.Equal(earlier.Keys.Order(), now.Keys.Order());
        foreach (var (name, bytes) in earlier)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(now[name]), $"{name} changed");
        }
    }

    private static void FlipBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i < bytes.Length; i += 97)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
    }

    private static List<string> ExternalLocations(string model)
        => OnnxTensors.EnumerateAll(OnnxModelFile.Load(model).Model)
            .Where(ExternalDataReference.IsExternal)
            .Select(t => ExternalDataReference.Parse(t, model).Location)
            .Distinct()
            .ToList();

    private static float[] Run(InferenceSession session, int seed)
    {
        var random = new Random(seed);
        var input = new DenseTensor<float>(Enumerable.Range(0, 16 * Hidden).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), [1, 16, Hidden]);
        using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(SyntheticTransformer.InputName, input)]);
        return outputs[0].AsEnumerable<float>().ToArray();
    }
}
