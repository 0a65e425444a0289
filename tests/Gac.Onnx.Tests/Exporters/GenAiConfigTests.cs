using System.Text.Json.Nodes;
using Gac.Core.Diagnostics;
using Gac.Onnx.Exporters;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// genai_config.json from a checkpoint's config.json and generation_config.json, in the layout of
/// ONNX Runtime GenAI's configuration reference (model.decoder with inputs/outputs, search), and
/// refusals for what GenAI cannot be told exactly.
/// </summary>
public sealed class GenAiConfigTests : IDisposable
{
    private const string Llama = """
        { "model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64,
          "bos_token_id": 1, "eos_token_id": 2 }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-genai-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_decoder_section_carries_the_shape_the_graph_names_and_the_context()
    {
        var json = Create(Llama);

        var model = json["model"]!;
        Assert.Equal(("llama", 50, 64), ((string?)model["type"], (int)model["vocab_size"]!, (int)model["context_length"]!));
        var decoder = model["decoder"]!;
        Assert.Equal("model.gac.onnx", (string?)decoder["filename"]);
        Assert.Equal((8, 32, 4, 2, 2), ((int)decoder["head_size"]!, (int)decoder["hidden_size"]!, (int)decoder["num_attention_heads"]!, (int)decoder["num_key_value_heads"]!, (int)decoder["num_hidden_layers"]!));
        Assert.Equal(
            """{"input_ids":"input_ids","attention_mask":"attention_mask","position_ids":"position_ids","past_key_names":"past_key_values.%d.key","past_value_names":"past_key_values.%d.value"}""",
            decoder["inputs"]!.ToJsonString());
        Assert.Equal("""{"logits":"logits","present_key_names":"present.%d.key","present_value_names":"present.%d.value"}""", decoder["outputs"]!.ToJsonString());
    }

    [Fact]
    public void Token_ids_come_from_config_json_and_pad_falls_back_to_eos_as_transformers_pads()
    {
        var model = Create(Llama)["model"]!;

        Assert.Equal((1, 2, 2), ((int)model["bos_token_id"]!, (int)model["eos_token_id"]!, (int)model["pad_token_id"]!));
    }

    [Fact]
    public void Generation_config_wins_over_config_json_and_eos_may_be_a_list()
    {
        var json = Create(Llama, """{ "bos_token_id": 3, "eos_token_id": [4, 5], "pad_token_id": 6, "transformers_version": "4.45.0" }""");

        var model = json["model"]!;
        Assert.Equal((3, "[4,5]", 6), ((int)model["bos_token_id"]!, model["eos_token_id"]!.ToJsonString(), (int)model["pad_token_id"]!));
    }

    [Fact]
    public void The_search_section_has_transformers_defaults_the_checkpoint_s_values_and_no_shared_buffer()
    {
        var search = Create(Llama, """{ "eos_token_id": 2, "do_sample": true, "temperature": 0.6, "top_p": 0.9 }""")["search"]!;

        Assert.False((bool)search["past_present_share_buffer"]!);
        Assert.Equal((true, 0.6, 0.9, 50.0), ((bool)search["do_sample"]!, (double)search["temperature"]!, (double)search["top_p"]!, (double)search["top_k"]!));
        Assert.Equal((20.0, 1.0, false), ((double)search["max_length"]!, (double)search["num_beams"]!, (bool)search["early_stopping"]!));
    }

    [Theory]
    [InlineData("""{ "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 40, "vocab_size": 60, "eos_token_id": 1 }""", null, "GAC1700", "combined past")]
    [InlineData("""{ "model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 50, "max_position_embeddings": 64 }""", null, "GAC1701", "eos_token_id")]
    [InlineData(Llama, """{ "eos_token_id": 50 }""", "GAC1701", "below vocab_size 50")]
    [InlineData(Llama, """{ "eos_token_id": "2" }""", "GAC1701", "eos_token_id")]
    [InlineData(Llama, """{ "max_new_tokens": 100 }""", "GAC1702", "max_new_tokens")]
    [InlineData(Llama, """{ "early_stopping": "never" }""", "GAC1702", "early_stopping")]
    [InlineData(Llama, """{ "diversity_penalty": 0.5 }""", "GAC1702", "diversity_penalty")]
    [InlineData(Llama, "[1, 2]", "GAC1704", "not a JSON object")]
    [InlineData(Llama, "{ eos", "GAC1704", "cannot be read")]
    public void What_GenAI_cannot_be_told_exactly_is_refused_with_a_code_naming_it(string config, string? generation, string code, string named)
    {
        var error = Assert.Throws<GacException>(() => Create(config, generation));

        Assert.Equal(code, error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_without_the_mask_inputs_is_GAC1705()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), Llama);
        var config = TinyCheckpoints.Config(Llama);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), new CheckpointExportOptions { PastKeyValues = true });

        var error = Assert.Throws<GacException>(() => GenAiConfig.Create(config, _folder, "model.gac.onnx", model.Graph.Input.Select(i => i.Name).ToList(), model.Graph.Output.Select(o => o.Name).ToList()));

        Assert.Equal("GAC1705", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("'attention_mask'", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenizer_files_need_the_config_and_a_tokenizer_and_bring_the_special_tokens_map()
    {
        Assert.Equal("GAC1703", Assert.Throws<GacException>(() => GenAiConfig.TokenizerFiles(_folder)).Diagnostics[0].Descriptor.Code);
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{}");
        Assert.Equal("GAC1703", Assert.Throws<GacException>(() => GenAiConfig.TokenizerFiles(_folder)).Diagnostics[0].Descriptor.Code);

        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), "{}");
        File.WriteAllText(Path.Combine(_folder, "special_tokens_map.json"), "{}");

        Assert.Equal(["tokenizer_config.json", "tokenizer.json", "special_tokens_map.json"], GenAiConfig.TokenizerFiles(_folder).Select(Path.GetFileName));
    }

    private JsonNode Create(string config, string? generation = null)
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), config);
        if (generation is not null)
        {
            File.WriteAllText(Path.Combine(_folder, GenAiConfig.GenerationConfigFileName), generation);
        }

        var parsed = TinyCheckpoints.Config(config);
        var model = CheckpointExporter.BuildInMemory(parsed, TinyCheckpoints.Create(parsed), new CheckpointExportOptions { PastKeyValues = true, AttentionMask = true });
        return JsonNode.Parse(GenAiConfig.Create(parsed, _folder, "model.gac.onnx", model.Graph.Input.Select(i => i.Name).ToList(), model.Graph.Output.Select(o => o.Name).ToList()))!;
    }
}
