using Gac.Compression.Checkpoints;
using Gac.Core.Spec;

namespace Gac.Pipeline.Tests;

public sealed class HfCheckpointImportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-hf-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_hugging_face_llama_folder_is_exported_to_onnx_and_planned_layer_by_layer()
    {
        // Vocabulary 256: generated calibration token ids are drawn below CalibrationFeeds.GeneratedVocabulary.
        const string Config = """
            { "model_type": "llama", "hidden_size": 64, "intermediate_size": 100, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }
            """;
        var checkpoint = Path.Combine(_folder, "tiny-llama");
        GeneratedCheckpoint.Write(checkpoint, Config, new Random(5));
        var specPath = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(specPath, """
            version: 1
            model:
              path: tiny-llama
            calibration:
              samples: 2
              dims: { batch: 1, seq: 16 }
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

        var messages = new List<string>();
        var plan = GacPipeline.Plan(GacSpecLoader.Load(specPath), progress: new SynchronousProgress(p => messages.Add(p.Message)));

        // The 2 x 7 block projections are found in the exported graph (the untied LM head stays dense).
        Assert.Contains(messages, m => m.StartsWith("15 linear layers, 14 compressible", StringComparison.Ordinal));
        var layerNames = Enumerable.Range(0, 2).SelectMany(i =>
            new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj" }.Select(
            p => $"model.layers.{i}.{p}")).ToHashSet();
        Assert.NotEmpty(plan.Report!.Decisions);
        Assert.All(plan.Report.Decisions, d => Assert.Contains(d.Id, layerNames));
        Assert.Equal(100, plan.AlignedPercentAfter);
    }

    [Theory]
    [InlineData("qwen3", """{ "model_type": "qwen3", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4,""" +
        """ "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 256, "max_position_embeddings": 64, "tie_word_embeddings": true }""")]
    [InlineData("phi3", """{ "model_type": "phi3", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4,""" +
        """ "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }""")]
    public void Qwen3_and_fused_phi3_folders_are_planned_on_separate_q_k_v_gate_and_up_layers(string family, string config)
    {
        // Phi-3 stores qkv_proj and gate_up_proj; the export splits them, so the plan sees Llama's seven layers per block.
        var checkpoint = Path.Combine(_folder, family);
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), config);
        var tensors = GeneratedCheckpoint.Tensors(config, new Random(6));
        Assert.Equal(family == "phi3", tensors.Any(t => t.Name.EndsWith("qkv_proj.weight", StringComparison.Ordinal)));
        SafetensorsWriter.Write(Path.Combine(checkpoint, SafetensorsCheckpoint.SingleFileName), tensors);
        var specPath = Path.Combine(_folder, family + ".yaml");
        File.WriteAllText(specPath, $$"""
            version: 1
            model:
              path: {{family}}
            calibration:
              samples: 2
              dims: { batch: 1, seq: 16 }
            compress:
              method: asvd
              ratio: 0.3
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/{{family}}.gac.onnx
            validation:
              provider: cpu
            """);

        var plan = GacPipeline.Plan(GacSpecLoader.Load(specPath));

        var layerNames = Enumerable.Range(0, 2).SelectMany(i =>
            new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj" }.Select(
            p => $"model.layers.{i}.{p}")).ToHashSet();
        Assert.Equal(layerNames, plan.Report!.Decisions.Select(d => d.Id).ToHashSet());
    }

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
