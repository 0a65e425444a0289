using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Pipeline.Steps;
using Gac.Pipeline.Tests.Text;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Calibration block by block (calibration.mode: block-wise) must measure what one whole-model session
/// measures: the same layer inputs, reached by the same batches in the same order.
/// </summary>
public sealed class BlockwiseCalibrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-blockwise-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Block_wise_statistics_equal_the_whole_model_session_on_the_tiny_llama_example()
    {
        var model = $"path: {RealTextFiles.TinyLlama}";
        var calibration = $"samples: 3\n  text: {Path.Combine(RealTextFiles.TinyLlama, "heldout.txt")}\n  dims: {{ batch: 1, seq: 32 }}";
        AssertSameStatistics(model, calibration, expectedLayers: 28);
    }

    [Fact]
    public void Block_wise_statistics_equal_the_whole_model_session_on_a_generated_four_layer_gqa_checkpoint()
    {
        // Four blocks with grouped k/v heads: masks and rotary cos/sin cross every block boundary.
        const string Config = """
            { "model_type": "llama", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 4,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }
            """;
        var checkpoint = Path.Combine(_folder, "llama4");
        GeneratedCheckpoint.Write(checkpoint, Config, new Random(11));
        AssertSameStatistics($"path: {checkpoint}", "samples: 3\n  dims: { batch: 2, seq: 16 }", expectedLayers: 28);
    }

    [Fact]
    public void Block_wise_statistics_equal_the_whole_model_session_on_a_generated_onnx_transformer()
    {
        var onnx = Path.Combine(_folder, "model.onnx");
        Onnx.Synthetic.SyntheticTransformer.Write(PipelineWorkspace.DefaultModel with { Blocks = 3 }, onnx);
        AssertSameStatistics($"path: {onnx}", "samples: 4\n  dims: { batch: 1, seq: 16 }", expectedLayers: 21);
    }

    [Fact]
    public void Block_wise_statistics_equal_the_whole_model_session_on_the_real_MiniLM_encoder()
    {
        // A PyTorch export nobody here wrote ("/encoder/layer.N/…" node names): the extended attention mask
        // and the Shape side branches of every block cross the cuts. 6 blocks × (q, k, v, attention output,
        // intermediate, output) = 36 linear layers in blocks (BertModel's definition; the pooler is not compressed).
        var folder = Path.GetDirectoryName(MiniLmModel.Path)!;
        var sentences = Path.Combine(FetchedModels.RepositoryRoot, "examples", "minilm", "sentences.txt");
        var calibration = $"samples: 2\n  text: {sentences}\n  tokenizer: {Path.Combine(folder, "vocab.txt")}\n  dims: {{ batch: 4, sequence: 32 }}";
        AssertSameStatistics($"path: {MiniLmModel.Path}", calibration, expectedLayers: 36);
    }

    [Fact]
    public void Block_wise_on_a_graph_without_named_blocks_is_refused_with_GAC4090()
    {
        var onnx = Path.Combine(_folder, "model.onnx");
        Onnx.Synthetic.SyntheticTransformer.Write(PipelineWorkspace.DefaultModel with { Blocks = 1 }, onnx);
        using var run = Run($"path: {onnx}", "samples: 2\n  dims: { batch: 1, seq: 16 }", "block-wise");
        var model = ModelImport.Load(run);

        var error = Assert.Throws<GacException>(() => Calibration.Measure(run, model));

        Assert.Equal("GAC4090", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("calibration.mode: block-wise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_calibrates_a_model_far_below_half_of_memory_in_one_session_and_says_so()
    {
        var onnx = Path.Combine(_folder, "model.onnx");
        Onnx.Synthetic.SyntheticTransformer.Write(PipelineWorkspace.DefaultModel, onnx);
        var lines = new List<string>();
        using var run = Run($"path: {onnx}", "samples: 2\n  dims: { batch: 1, seq: 16 }", "auto", lines);

        Calibration.Measure(run, ModelImport.Load(run));

        Assert.Contains(lines, l => l.StartsWith("whole model in one session (calibration.mode: auto, ", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Warnings, w => w.Descriptor.Code == "GAC4091");
    }

    /// <summary>
    /// Bitwise: each block runs the same CPU kernels on the same activations in its own session, and every
    /// tap sees the batches in the same order, so the float sums must be the same sums (measured: no fusion
    /// of these graphs spans a block boundary on ONNX Runtime's CPU provider).
    /// </summary>
    private void AssertSameStatistics(string model, string calibration, int expectedLayers)
    {
        var lines = new List<string>();
        IReadOnlyDictionary<string, ActivationStatistics> whole, blockwise;
        using (var run = Run(model, calibration, "whole-model"))
        {
            whole = Calibration.Measure(run, ModelImport.Load(run));
        }

        using (var run = Run(model, calibration, "block-wise", lines))
        {
            blockwise = Calibration.Measure(run, ModelImport.Load(run));
            Assert.Contains(run.Warnings, w => w.Descriptor.Code == "GAC4091");
        }

        Assert.Equal(expectedLayers, whole.Count);
        Assert.Equal(whole.Keys.Order(), blockwise.Keys.Order());
        Assert.Contains(lines, l => l == "block by block (calibration.mode: block-wise)");
        Assert.Contains(lines, l => l.StartsWith("block 1 (", StringComparison.Ordinal));
        foreach (var (layer, expected) in whole)
        {
            var actual = blockwise[layer];
            Assert.Equal(expected.Count, actual.Count);
            AssertBitwise(layer, expected.AbsMean(), actual.AbsMean());
            AssertBitwise(layer, expected.MeanSquare(), actual.MeanSquare());
        }
    }

    private static void AssertBitwise(string layer, double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var c = 0; c < expected.Length; c++)
        {
            Assert.True(expected[c].Equals(actual[c]), $"{layer} channel {c}: whole-model {expected[c]:R}, block-wise {actual[c]:R}");
        }
    }

    private RunContext Run(string model, string calibration, string mode, List<string>? lines = null)
    {
        var spec = Path.Combine(_folder, $"gac-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(spec, $"""
            version: 1
            model:
              {model}
            calibration:
              {calibration}
              mode: {mode}
            compress:
              method: asvd
              ratio: 0.3
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.gac.onnx
            validation:
              provider: cpu
            """);
        return new RunContext(GacSpecLoader.Load(spec), new PipelineOptions(), lines is null ? null : new Recorder(lines), CancellationToken.None);
    }

    private sealed class Recorder(List<string> lines) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => lines.Add(value.Message);
    }
}
