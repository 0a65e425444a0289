using Gac.Core.Diagnostics;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;

namespace Gac.Runtime.Tests.Fidelity;

/// <summary>
/// The published model, opened from its final path, must reproduce the validated candidate's outputs.
/// The validated outputs come from the candidate with its weights inline; the published model keeps
/// them in an external file, as every artifact over 2 GB does.
/// </summary>
public sealed class PublishedModelCheckTests : IDisposable
{
    private static readonly float[] Weight = TinyOnnx.Weights(16 * 8, 11);
    private readonly OrtSessionFactory _factory = new(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-published-").FullName;

    private string ModelPath => Path.Combine(_folder, "model.gac.onnx");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_published_model_with_its_data_file_beside_it_reproduces_the_validated_outputs_bit_for_bit()
    {
        Publish(location: "model.gac.onnx.data", dataFile: "model.gac.onnx.data", Weight);

        var match = PublishedModelCheck.Verify(_factory, ModelPath, Validated());

        Assert.True(match.Identical);
        Assert.Equal(0, match.MaxAbsDiff);
        Assert.Equal(3, match.Samples);
    }

    [Fact]
    public void A_model_naming_a_data_file_that_was_published_under_another_name_is_GAC5020()
    {
        // Issue 11: the model said "gac.onnx.data" (its scratch name), the file beside it was "<artifact>.data".
        Publish(location: "gac.onnx.data", dataFile: "model.gac.onnx.data", Weight);

        var error = Assert.Throws<GacException>(() => PublishedModelCheck.Verify(_factory, ModelPath, Validated()));

        Assert.Equal("GAC5020", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.InternalError, error.ExitCode);
        Assert.Contains(ModelPath, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Published_weights_that_differ_from_the_validated_ones_are_GAC5021()
    {
        var other = Weight.ToArray();
        other[5] += 0.25f;
        Publish(location: "model.gac.onnx.data", dataFile: "model.gac.onnx.data", other);

        var error = Assert.Throws<GacException>(() => PublishedModelCheck.Verify(_factory, ModelPath, Validated()));

        Assert.Equal("GAC5021", error.Diagnostics[0].Code);
    }

    [Fact]
    public void Differences_within_the_stated_tolerance_pass_and_beyond_it_fail()
    {
        var validated = new ReferenceOutputs(new FidelitySettings(ShapeBucket.Parse("batch=1")), "Y", [new ReferenceSample([1f, -100f, 0.5f], [1, 3], null)]);

        // Tolerance 1e-5 of max(1, max |validated|) = 1e-3 here.
        var close = PublishedModelCheck.Compare(ModelPath, validated, [new ReferenceSample([1.0005f, -100f, 0.5f], [1, 3], null)]);
        var far = Assert.Throws<GacException>(() => PublishedModelCheck.Compare(ModelPath, validated, [new ReferenceSample([1.002f, -100f, 0.5f], [1, 3],
            null)]));
        var reshaped = Assert.Throws<GacException>(() => PublishedModelCheck.Compare(ModelPath, validated, [new ReferenceSample([1f, -100f, 0.5f], [3, 1],
            null)]));
        var notANumber = Assert.Throws<GacException>(() => PublishedModelCheck.Compare(ModelPath, validated, [new ReferenceSample([float.NaN, -100f, 0.5f], [1,
            3], null)]));

        Assert.False(close.Identical);
        Assert.Equal(0.0005, close.MaxAbsDiff, 6);
        Assert.All(new[] { far, reshaped, notANumber }, e => Assert.Equal("GAC5021", e.Diagnostics[0].Code));
    }

    /// <summary>The candidate's outputs as validation records them: weights inline, seeded held-out inputs.</summary>
    private ReferenceOutputs Validated()
    {
        using var candidate = _factory.Open(TinyOnnx.MatMul(16, 8, Weight), "gac");
        return FidelityEvaluator.Record(candidate, new FidelitySettings(ShapeBucket.Parse("batch=4"), Samples: 3));
    }

    private void Publish(string location, string dataFile, float[] weight)
    {
        File.WriteAllBytes(ModelPath, TinyOnnx.MatMul(16, 8, weight, externalLocation: location));
        File.WriteAllBytes(Path.Combine(_folder, dataFile), TinyOnnx.RawBytes(weight, TinyOnnx.Float));
    }
}
