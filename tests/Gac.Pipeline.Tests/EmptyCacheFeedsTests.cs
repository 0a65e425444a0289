using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Google.Protobuf;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Inputs for a decode-ready model (token ids plus a k/v cache with a "past_sequence" dim): the cache
/// length defaults to 0, and generated inputs and token windows feed it empty.
/// </summary>
public sealed class EmptyCacheFeedsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-empty-cache-").FullName;
    private readonly OrtSession _session = CpuSession.Open(CacheModel().ToByteArray());

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_past_length_dim_defaults_to_zero_and_is_recorded_as_a_default()
    {
        var defaulted = new List<string>();

        var bucket = ShapeBuckets.Complete(_session.Signature, new Dictionary<string, long> { ["seq"] = 6 }, defaulted);

        Assert.Equal(0, bucket.Dimensions["past_sequence"]);
        Assert.Equal(["batch=1", "past_sequence=0"], defaulted.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generated_inputs_give_the_cache_an_empty_tensor_that_the_model_accepts()
    {
        var bucket = ShapeBuckets.Complete(_session.Signature, new Dictionary<string, long> { ["batch"] = 2, ["seq"] = 6 });

        using var inputs = RandomInputs.Create(_session.Signature, bucket, seed: 1, InputDomains.WithVocabulary(["input_ids"], 50));
        using var outputs = _session.Run(inputs, _session.Signature.OutputNames, "test");

        Assert.Equal([2, 3, 0, 4], inputs["past_key_values.0.key"].Shape);
        Assert.Equal([2, 3, 6, 4], outputs.Shape(1));
    }

    [Fact]
    public void Token_windows_feed_the_ids_and_an_empty_cache()
    {
        var calibration = Tokens(Enumerable.Range(0, 30));
        var bucket = ShapeBuckets.Complete(_session.Signature, new Dictionary<string, long> { ["batch"] = 1, ["seq"] = 8 });

        var windows = CalibrationFeeds.TokenWindows(calibration, _session.Signature, bucket, skip: 1, count: 5);

        Assert.Equal("input_ids", CalibrationFeeds.TokenInput(_session.Signature));
        Assert.Equal(2, windows.Count);
        using var window = windows[0]();
        Assert.Equal(["input_ids", "past_key_values.0.key"], window.Names);
        Assert.Equal([8L, 9, 10, 11, 12, 13, 14, 15], window["input_ids"].Int64Values.ToArray());
        Assert.Equal([1, 3, 0, 4], window["past_key_values.0.key"].Shape);
    }

    [Fact]
    public void Token_windows_refuse_a_non_empty_cache_with_GAC_calibration_unsupported()
    {
        var bucket = ShapeBuckets.Complete(_session.Signature, new Dictionary<string, long> { ["batch"] = 1, ["seq"] = 8, ["past_sequence"] = 4 });

        var error = Assert.Throws<GacException>(() => CalibrationFeeds.TokenWindows(Tokens(Enumerable.Range(0, 30)), _session.Signature, bucket, 0, 1));

        Assert.Equal(DiagnosticCatalogue.CalibrationDataUnsupported.Code, error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("past_key_values.0.key", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    private CalibrationSpec Tokens(IEnumerable<int> ids)
    {
        var path = Path.Combine(_folder, "ids.tokens");
        File.WriteAllText(path, string.Join(' ', ids));
        return new CalibrationSpec(2, 1, CalibrationSource.Tokens, new SpecPath(path, path), new Dictionary<string, SpecPath>(), [],
            new Dictionary<string, long>());
    }

    /// <summary>logits = float(input_ids); present = Concat(past, zeros for each new token) along the past axis.</summary>
    private static ModelProto CacheModel()
    {
        var b = new OnnxGraphBuilder("cache");
        var ids = b.Input("input_ids", OnnxDataType.Int64, "batch", "seq");
        var past = b.Input("past_key_values.0.key", OnnxDataType.Float, "batch", 3, "past_sequence", 4);
        var logits = b.Node("Cast", [ids], "logits", OnnxAttributes.Int("to", (long)OnnxDataType.Float));
        var zeros = b.Initializer(OnnxTensorFactory.Floats("new.keys", new float[3 * 4], 1, 3, 1, 4));
        var shape = b.Node("Shape", [ids], "ids/Shape");
        var batch = b.Node("Slice", [shape, b.Initializer(OnnxTensorFactory.Int64Vector("zero", 0)), b.Initializer(OnnxTensorFactory.Int64Vector("one", 1))],
            "ids/batch");
        var sequence = b.Node("Slice", [shape, "one", b.Initializer(OnnxTensorFactory.Int64Vector("two", 2))], "ids/seq");
        var target = b.Node("Concat", [batch, b.Initializer(OnnxTensorFactory.Int64Vector("heads", 3)), sequence,
            b.Initializer(OnnxTensorFactory.Int64Vector("dim", 4))], "target", OnnxAttributes.Int("axis", 0));
        var keys = b.Node("Expand", [zeros, target], "keys/Expand");
        var present = b.Node("Concat", [past, keys], "present", OnnxAttributes.Int("axis", 2));
        b.Output(logits, OnnxDataType.Float, "batch", "seq");
        b.Output(present, OnnxDataType.Float, "batch", 3, "past_sequence + seq", 4);
        return b.Build();
    }
}
