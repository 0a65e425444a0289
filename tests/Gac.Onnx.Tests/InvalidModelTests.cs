using Gac.Core.Diagnostics;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests;

public sealed class InvalidModelTests
{
    [Fact]
    public void A_missing_file_is_GAC1001()
    {
        var error = Assert.Throws<GacException>(() => OnnxModelFile.Load("/nonexistent/model.onnx"));
        Assert.Equal("GAC1001", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_bytes_are_GAC1003_not_a_raw_exception(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        var error = Assert.Throws<GacException>(() => OnnxModelFile.Parse(bytes, "garbage.onnx"));
        Assert.Equal("GAC1003", error.Diagnostics[0].Code);
    }

    [Fact]
    public void A_text_file_and_an_empty_file_are_GAC1003()
    {
        foreach (var bytes in new[] { "name: not a model\n"u8.ToArray(), Array.Empty<byte>() })
        {
            var error = Assert.Throws<GacException>(() => OnnxModelFile.Parse(bytes, "x.onnx"));
            Assert.Equal("GAC1003", error.Diagnostics[0].Code);
        }
    }

    [Fact]
    public void Every_truncation_of_a_model_is_GAC1003()
    {
        var bytes = SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 16, Heads = 2, Intermediate = 32, Blocks = 1 }).ToByteArray();
        // Every cut point would be slow; 200 evenly spaced cuts cover headers, nested messages and raw data.
        for (var cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 200))
        {
            var error = Assert.Throws<GacException>(() => OnnxModelFile.Parse(bytes.AsSpan(0, cut), "cut.onnx"));
            Assert.Equal("GAC1003", error.Diagnostics[0].Code);
        }
    }

    [Fact]
    public void A_directory_in_place_of_the_output_folder_fails_with_GAC3001_and_leaves_nothing()
    {
        using var scratch = new ScratchFolder();
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions());
        var error = Assert.Throws<GacException>(() => OnnxModelWriter.Write(model, scratch.File("missing/model.onnx")));
        Assert.Equal("GAC3001", error.Diagnostics[0].Code);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void An_external_data_file_name_with_a_path_is_GAC3003()
    {
        using var scratch = new ScratchFolder();
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions());
        var options = new OnnxSaveOptions { ExternalData = ExternalDataPolicy.External, ExternalDataFileName = "../weights.data" };
        var error = Assert.Throws<GacException>(() => OnnxModelWriter.Write(model, scratch.File("model.onnx"), options));
        Assert.Equal("GAC3003", error.Diagnostics[0].Code);
    }
}
