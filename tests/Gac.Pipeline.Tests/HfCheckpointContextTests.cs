using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Tests;

/// <summary>Spec settings checked against the checkpoint before the export: context length and export.opset.</summary>
public sealed class HfCheckpointContextTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-hf-context-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("""{ "model_type": "llama", "hidden_size": 16, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,""" +
        """ "vocab_size": 256, "max_position_embeddings": 16 }""", "max_position_embeddings = 16")]
    [InlineData("""{ "model_type": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "vocab_size": 256, "n_positions": 16 }""", "n_positions = 16")]
    public void A_calibration_longer_than_the_context_is_GAC1222_exit_2(string config, string named)
    {
        var spec = Write(config, "dims: { batch: 1, seq: 32 }", opset: null);

        var error = Assert.Throws<GacException>(() => GacPipeline.Plan(GacSpecLoader.Load(spec)));

        Assert.Equal("GAC1222", error.Diagnostics[0].Descriptor.Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("config.json", error.Diagnostics[0].Location?.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calibration_of_exactly_the_context_is_accepted()
    {
        var spec = Write("""{ "model_type": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "vocab_size": 256, "n_positions": 16 }""",
            "dims: { batch: 1, seq: 16 }", opset: null);

        Assert.NotNull(GacPipeline.Plan(GacSpecLoader.Load(spec)).Report);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(13)]
    public void An_export_opset_outside_17_to_23_is_GAC3020(int opset)
    {
        var spec = Write("""{ "model_type": "llama", "hidden_size": 16, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,""" +
            """ "vocab_size": 256, "max_position_embeddings": 64 }""", "dims: { batch: 1, seq: 8 }", opset);

        var error = Assert.Throws<GacException>(() => GacPipeline.Plan(GacSpecLoader.Load(spec)));

        Assert.Equal("GAC3020", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(opset.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_export_opset_inside_the_range_is_the_opset_of_the_imported_graph()
    {
        var spec = Write("""{ "model_type": "llama", "hidden_size": 64, "intermediate_size": 100, "num_hidden_layers": 1, "num_attention_heads": 4,""" +
            """ "vocab_size": 256, "max_position_embeddings": 64 }""", "dims: { batch: 1, seq: 8 }", opset: 20);
        var messages = new List<string>();

        GacPipeline.Plan(GacSpecLoader.Load(spec), progress: new SynchronousProgress(p => messages.Add(p.Message)));

        Assert.Contains(messages, m => m.Contains("opset 20", StringComparison.Ordinal));
    }

    private string Write(string config, string dims, int? opset)
    {
        var checkpoint = Path.Combine(_folder, "ckpt");
        GeneratedCheckpoint.Write(checkpoint, config, new Random(5));
        var specPath = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(specPath, $$"""
            version: 1
            model:
              path: ckpt
            calibration:
              samples: 2
              {{dims}}
            compress:
              method: asvd
              ratio: 0.3
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.gac.onnx
              {{(opset is { } o ? $"opset: {o}" : string.Empty)}}
            validation:
              provider: cpu
            """);
        return specPath;
    }

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
