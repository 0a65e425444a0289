using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests;

public sealed class ExternalDataTests
{
    private static readonly SyntheticTransformerOptions ExternalModel = new() { Storage = WeightStorage.External };

    [Fact]
    public void External_tensors_start_at_4096_byte_aligned_offsets_in_one_data_file_beside_the_model()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);

        var model = OnnxModelFile.Load(path);
        var references = OnnxTensors.EnumerateAll(model.Model)
            .Where(ExternalDataReference.IsExternal)
            .Select(t => ExternalDataReference.Parse(t, path))
            .ToList();

        Assert.Equal(2 * 7, references.Count(r => r.Length >= 64 * 64 * 4)); // 2 blocks × (q,k,v,o,gate,up,down)
        Assert.All(references, r => Assert.Equal("model.onnx.data", r.Location));
        Assert.All(references, r => Assert.Equal(0, r.Offset % OnnxSaveOptions.ExternalDataAlignment));
        Assert.True(File.Exists(scratch.File("model.onnx.data")));
        Assert.Empty(Directory.GetFiles(scratch.Path, "*.tmp")); // no temporary file left behind
    }

    [Fact]
    public void Loading_reads_no_weight_bytes_until_a_tensor_is_asked_for()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        var expected = OnnxModelFile.Load(path, loadExternalData: true);

        // Remove the data file after loading: discovery still works, a weight read then fails cleanly.
        var model = OnnxModelFile.Load(path);
        File.Move(scratch.File("model.onnx.data"), scratch.File("moved.data"));
        Assert.Equal(14, LinearLayerDiscovery.Discover(model).Layers.Count);
        var weight = model.Model.Graph.Initializer.First(t => t.Name == "blocks.0.attn.q_proj.weight");
        var missing = Assert.Throws<GacException>(() => model.ReadTensorBytes(weight));
        Assert.Equal("GAC1006", missing.Diagnostics[0].Code);

        File.Move(scratch.File("moved.data"), scratch.File("model.onnx.data"));
        var embedded = expected.Model.Graph.Initializer.First(t => t.Name == weight.Name);
        Assert.Equal(expected.ReadFloats(embedded), model.ReadFloats(weight));
        Assert.False(ExternalDataReference.IsExternal(embedded));
    }

    [Theory]
    [InlineData("../outside.data", "'..'")]
    [InlineData("sub/../../outside.data", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    public void A_location_that_escapes_the_model_folder_is_rejected_on_load(string location, string reason)
    {
        using var scratch = new ScratchFolder();
        var path = WriteWithLocation(scratch, location);

        var error = Assert.Throws<GacException>(() => OnnxModelFile.Load(path));

        Assert.Equal("GAC1005", error.Diagnostics[0].Code);
        Assert.Contains(reason, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_file_that_is_a_link_to_outside_the_model_folder_is_rejected()
    {
        using var scratch = new ScratchFolder();
        using var outside = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        File.Move(scratch.File("model.onnx.data"), outside.File("real.data"));
        File.CreateSymbolicLink(scratch.File("model.onnx.data"), outside.File("real.data"));

        var error = Assert.Throws<GacException>(() => OnnxModelFile.Load(path));

        Assert.Equal("GAC1005", error.Diagnostics[0].Code);
        Assert.Contains("link", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_that_stays_inside_the_model_folder_is_accepted()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        Directory.CreateDirectory(scratch.File("weights"));
        File.Move(scratch.File("model.onnx.data"), scratch.File("weights/real.data"));
        File.CreateSymbolicLink(scratch.File("model.onnx.data"), scratch.File("weights/real.data"));

        var model = OnnxModelFile.Load(path, loadExternalData: true);

        Assert.DoesNotContain(OnnxTensors.EnumerateAll(model.Model), ExternalDataReference.IsExternal);
    }

    [Fact]
    public void A_short_data_file_is_reported_as_truncated()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        using (var data = File.Open(scratch.File("model.onnx.data"), FileMode.Open))
        {
            data.SetLength(data.Length / 2);
        }

        var error = Assert.Throws<GacException>(() => OnnxModelFile.Load(path, loadExternalData: true));

        Assert.Equal("GAC1007", error.Diagnostics[0].Code);
    }

    [Fact]
    public void A_short_or_missing_data_file_fails_the_header_load_naming_the_file()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        using (var data = File.Open(scratch.File("model.onnx.data"), FileMode.Open))
        {
            data.SetLength(data.Length - 1);
        }

        // Without reading weights (what audit and check do): sizes alone show the damage.
        var truncated = Assert.Throws<GacException>(() => OnnxModelFile.Load(path)).Diagnostics[0];
        File.Delete(scratch.File("model.onnx.data"));
        var missing = Assert.Throws<GacException>(() => OnnxModelFile.Load(path)).Diagnostics[0];

        Assert.Equal(("GAC1007", scratch.File("model.onnx.data")), (truncated.Code, truncated.Location!.File));
        Assert.Contains("'model.onnx.data', which has only", truncated.Message, StringComparison.Ordinal);
        Assert.Equal(("GAC1006", scratch.File("model.onnx.data")), (missing.Code, missing.Location!.File));
    }

    [Fact]
    public void A_missing_data_file_is_reported_when_weights_are_loaded()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);
        File.Delete(scratch.File("model.onnx.data"));

        var error = Assert.Throws<GacException>(() => OnnxModelFile.Load(path, loadExternalData: true));

        Assert.Equal("GAC1006", error.Diagnostics[0].Code);
        Assert.Contains("model.onnx.data", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_into_another_folder_copies_the_external_data_with_the_model()
    {
        using var scratch = new ScratchFolder();
        using var elsewhere = new ScratchFolder();
        var path = scratch.File("model.onnx");
        SyntheticTransformer.Write(ExternalModel, path);

        OnnxModelFile.Load(path).Save(elsewhere.File("copy.onnx"));
        Directory.Delete(scratch.Path, recursive: true);

        var copy = OnnxModelFile.Load(elsewhere.File("copy.onnx"), loadExternalData: true);
        var expected = SyntheticTransformer.Create(ExternalModel).Graph.Initializer;
        Assert.Equal(expected.Select(t => t.RawData), copy.Model.Graph.Initializer.Select(t => t.RawData));
    }

    [Fact]
    public void Auto_switches_to_external_data_when_the_model_would_exceed_the_single_file_limit()
    {
        using var scratch = new ScratchFolder();
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions());
        var path = scratch.File("model.onnx");

        OnnxModelWriter.Write(model, path, new OnnxSaveOptions { SingleFileLimitBytes = 100_000 });

        Assert.True(File.Exists(scratch.File("model.onnx.data")));
        Assert.Contains(OnnxTensors.EnumerateAll(OnnxModelFile.Load(path).Model), ExternalDataReference.IsExternal);
    }

    [Fact]
    public void Small_models_are_written_as_one_file_by_default()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("model.onnx");

        OnnxModelWriter.Write(SyntheticTransformer.Create(new SyntheticTransformerOptions()), path);

        Assert.Equal([path], Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void A_model_whose_weights_exceed_2_GB_is_written_with_external_data_automatically()
    {
        // Three 8192×21846 fp32 weights, 2,147,549,184 bytes in all: just past protobuf's
        // 2,147,483,647-byte limit. They share one 716 MB buffer so the test does not hold 2 GB,
        // but the writer streams all of it to the data file (in RAM via /dev/shm where available).
        const int Rows = 8192, Cols = 21_846;
        var buffer = new byte[(long)Rows * Cols * 4];
        buffer[0] = 1;
        buffer[^1] = 2;
        var builder = new OnnxGraphBuilder("big");
        var x = builder.Input("x", OnnxDataType.Float, "tokens", Rows);
        for (var i = 0; i < 3; i++)
        {
            var w = builder.Initializer(OnnxTensorFactory.WrapRaw($"layer{i}.weight", OnnxDataType.Float, buffer, Rows, Cols));
            x = builder.Node("MatMul", [x, w], $"layer{i}/MatMul");
        }

        builder.Output(x, OnnxDataType.Float, "tokens", Cols);
        using var scratch = ScratchFolder.InMemory();
        var path = scratch.File("big.onnx");

        OnnxModelWriter.Write(builder.Build(), path, new OnnxSaveOptions { FlushToDisk = false });

        Assert.True(new FileInfo(path).Length < 10_000);
        var loaded = OnnxModelFile.Load(path);
        var references = loaded.Model.Graph.Initializer.Select(t => ExternalDataReference.Parse(t, path)).ToList();
        Assert.All(references, r => Assert.Equal(0, r.Offset % OnnxSaveOptions.ExternalDataAlignment));
        Assert.All(references, r => Assert.Equal(buffer.Length, r.Length));
        var last = references[^1];
        Assert.True(last.Offset + last.Length > int.MaxValue);
        // Spot-check the last tensor's first and last byte where the reference says they are.
        using var data = File.OpenHandle(scratch.File("big.onnx.data"));
        var probe = new byte[1];
        RandomAccess.Read(data, probe, last.Offset);
        Assert.Equal(1, probe[0]);
        RandomAccess.Read(data, probe, last.Offset + last.Length!.Value - 1);
        Assert.Equal(2, probe[0]);
        Assert.Equal(3, LinearLayerDiscovery.Discover(loaded).Layers.Count);
    }

    private static string WriteWithLocation(ScratchFolder scratch, string location)
    {
        var builder = new OnnxGraphBuilder("escape");
        var x = builder.Input("x", OnnxDataType.Float, 1, 4);
        var weight = OnnxTensorFactory.Floats("w", new float[16], 4, 4);
        new ExternalDataReference(location, 0, 64).WriteTo(weight);
        var y = builder.Node("MatMul", [x, builder.Initializer(weight)], "mm");
        builder.Output(y, OnnxDataType.Float, 1, 4);
        var path = scratch.File("model.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(builder.Build()));
        return path;
    }
}
