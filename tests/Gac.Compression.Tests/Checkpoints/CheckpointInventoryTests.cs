using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Compression.Tests.Checkpoints;

public sealed class CheckpointInventoryTests : IDisposable
{
    /// <summary>Llama with 2 blocks; the tests vary what is stored beside it.</summary>
    private const string TwoLayerLlama = """
        {
          "model_type": "llama", "hidden_size": 16, "intermediate_size": 24,
          "num_hidden_layers": 2,
          "num_attention_heads": 2, "vocab_size": 20, "max_position_embeddings": 32, "tie_word_embeddings": false
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-inventory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("llama-gqa", 1)]
    [InlineData("llama-tied", 3)]
    [InlineData("qwen2", 1)]
    [InlineData("mistral-linear-rope", 2)]
    [InlineData("gpt2", 1)]
    [InlineData("gpt2", 4)]
    [InlineData("qwen3", 2)]
    [InlineData("phi3", 1)]
    public void A_checkpoint_written_from_its_config_passes_and_counts_every_parameter(string name, int shards)
    {
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, name), name, shards);
        var config = TransformerConfigReader.Parse(TinyHfCheckpoint.Configs[name]);

        var report = CheckpointInventory.Check(folder);

        Assert.True(report.Succeeded, string.Join("\n", report.Diagnostics));
        Assert.Equal(CheckpointLayout.Tensors(config).Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d)), report.Parameters);
        Assert.Equal(4 * report.Parameters, report.DataBytes);
        Assert.Equal(shards, report.Files.Count);
        Assert.Equal(config, report.Config);
    }

    [Fact]
    public void Two_layers_declared_over_four_stored_is_GAC1302_at_the_config_field()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama.Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 4",
            StringComparison.Ordinal)));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "four"), TwoLayerLlama, stored);

        var report = CheckpointInventory.Check(folder);

        var diagnostic = Assert.Single(report.Diagnostics);
        Assert.Equal("GAC1302", diagnostic.Code);
        Assert.Contains("num_hidden_layers = 2", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("stores 4", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("model.layers.3.", diagnostic.Message, StringComparison.Ordinal);
        // The field sits on line 3, column 3 of the config written above.
        Assert.Equal(new SourceLocation(Path.Combine(folder, "config.json"), 3, 3), diagnostic.Location);
    }

    [Fact]
    public void Four_layers_declared_over_two_stored_is_GAC1302()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "two"), TwoLayerLlama.Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 4",
            StringComparison.Ordinal), stored);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1302", diagnostic.Code);
        Assert.Contains("num_hidden_layers = 4, but the checkpoint stores 2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpt2_layer_mismatch_names_n_layer()
    {
        var config = TransformerConfigReader.Parse(TinyHfCheckpoint.Configs["gpt2"]);
        var stored = TinyHfCheckpoint.Tensors(config with { Layers = 3 });
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "gpt2"), TinyHfCheckpoint.Configs["gpt2"], stored);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1302", diagnostic.Code);
        Assert.Contains("n_layer = 2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tensor_is_GAC1207_naming_it()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama)).Where(t => t.Name != "model.layers.1.mlp.up_proj.weight").ToList();
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "missing"), TwoLayerLlama, stored);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1207", diagnostic.Code);
        Assert.Contains("'model.layers.1.mlp.up_proj.weight' [24, 16]", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misshapen_tensor_is_GAC1207_at_the_shard_that_holds_it()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama))
            .Select(t => t.Name == "model.norm.weight" ? new SafetensorsTensor(t.Name, [8], new float[8]) : t)
            .ToList();
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "misshapen"), TwoLayerLlama, stored, shards: 3);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1207", diagnostic.Code);
        Assert.Contains("'model.norm.weight' in 'model-00003-of-00003.safetensors' is [8]; config.json implies [16]", diagnostic.Message,
            StringComparison.Ordinal);
        Assert.Equal(Path.Combine(folder, "model-00003-of-00003.safetensors"), diagnostic.Location?.File);
    }

    [Fact]
    public void A_bias_the_config_does_not_enable_is_GAC1303_naming_tensor_and_file()
    {
        // attention_bias is false: an o_proj bias would be dropped by a loader that trusts config.json.
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama));
        stored.Add(new SafetensorsTensor("model.layers.0.self_attn.o_proj.bias", [16], new float[16]));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "extra"), TwoLayerLlama, stored);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1303", diagnostic.Code);
        Assert.Contains("'model.layers.0.self_attn.o_proj.bias' in 'model.safetensors'", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(folder, "model.safetensors"), diagnostic.Location?.File);
    }

    [Fact]
    public void Buffers_transformers_drops_on_load_are_accepted()
    {
        // Old Llama conversions store rotary_emb.inv_freq; a tied model may store lm_head.weight; GPT-2
        // checkpoints store the causal-mask buffers attn.bias and attn.masked_bias.
        var tied = TinyHfCheckpoint.Configs["llama-tied"];
        var llama = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(tied));
        llama.Add(new SafetensorsTensor("model.layers.1.self_attn.rotary_emb.inv_freq", [4], [1, 0.1f, 0.01f, 0.001f]));
        llama.Add(new SafetensorsTensor("lm_head.weight", [40, 24], new float[40 * 24]));
        var gpt2 = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TinyHfCheckpoint.Configs["gpt2"]));
        gpt2.Add(new SafetensorsTensor("h.0.attn.bias", [1, 1, 4, 4], new float[16]));
        gpt2.Add(new SafetensorsTensor("h.1.attn.masked_bias", [], [-10000f]));

        Assert.Empty(CheckpointInventory.Check(TinyHfCheckpoint.Write(Path.Combine(_folder, "llama"), tied, llama)).Diagnostics);
        Assert.Empty(CheckpointInventory.Check(TinyHfCheckpoint.Write(Path.Combine(_folder, "gpt2"), TinyHfCheckpoint.Configs["gpt2"], gpt2)).Diagnostics);
    }

    [Fact]
    public void An_untied_config_over_tied_weights_is_GAC1207_for_the_missing_head()
    {
        var tied = TinyHfCheckpoint.Configs["llama-tied"];
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(tied));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "untied"), tied.Replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false",
            StringComparison.Ordinal), stored);

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1207", diagnostic.Code);
        Assert.Contains("'lm_head.weight'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantized_weight_is_GAC1204_from_the_header_alone()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "int8"), TwoLayerLlama, stored);
        RewriteDType(Path.Combine(folder, "model.safetensors"), "model.layers.0.mlp.down_proj.weight", "F32", "I32");

        var diagnostic = Assert.Single(CheckpointInventory.Check(folder).Diagnostics);

        Assert.Equal("GAC1204", diagnostic.Code);
        Assert.Contains("'model.layers.0.mlp.down_proj.weight' in 'model.safetensors' is I32", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_in_a_shard_its_index_does_not_assign_it_to_is_GAC1303()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "stray"), TwoLayerLlama, stored, shards: 2);
        var index = Path.Combine(folder, SafetensorsCheckpoint.IndexFileName);
        var json = JsonNode.Parse(File.ReadAllText(index))!;
        Assert.True(json["weight_map"]!.AsObject().Remove("model.norm.weight"));
        File.WriteAllText(index, json.ToJsonString());

        var report = CheckpointInventory.Check(folder);

        Assert.Contains(report.Diagnostics, d => d.Code == "GAC1303" && d.Message.Contains("'model.norm.weight' is stored in " +
            "'model-00002-of-00002.safetensors'", StringComparison.Ordinal));
        Assert.Contains(report.Diagnostics, d => d.Code == "GAC1207" && d.Message.Contains("'model.norm.weight'", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_reports_a_broken_header_instead_of_throwing()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama));
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "overlap"), TwoLayerLlama, stored);
        RewriteOffsets(Path.Combine(folder, "model.safetensors"), "model.norm.weight");

        var report = CheckpointInventory.Check(folder);

        Assert.False(report.Succeeded);
        Assert.Equal("GAC1300", Assert.Single(report.Diagnostics).Code);
        Assert.Null(report.Config);
    }

    [Fact]
    public void Verify_throws_every_problem_and_a_long_list_is_cut_at_ten()
    {
        var stored = TinyHfCheckpoint.Tensors(TransformerConfigReader.Parse(TwoLayerLlama)).Where(t => !t.Name.StartsWith("model.layers.1.",
            StringComparison.Ordinal) || t.Name.Contains("norm", StringComparison.Ordinal)).ToList();
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "many"), TwoLayerLlama, stored);
        using var checkpoint = SafetensorsCheckpoint.Open(folder);

        var error = Assert.Throws<GacException>(() => CheckpointInventory.Verify(TransformerConfigReader.Parse(TwoLayerLlama), Path.Combine(folder,
            "config.json"), checkpoint));

        // Layer 1 keeps its norms (so 2 blocks are stored) but loses 7 projections: 7 GAC1207, all shown.
        Assert.Equal(7, error.Diagnostics.Count);
        Assert.All(error.Diagnostics, d => Assert.Equal("GAC1207", d.Code));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);

        for (var i = 0; i < 6; i++)
        {
            stored.Add(new SafetensorsTensor($"model.layers.0.adapter_{i}.weight", [1], [0]));
        }

        var noisy = CheckpointInventory.Check(TinyHfCheckpoint.Write(Path.Combine(_folder, "noisy"), TwoLayerLlama, stored));
        Assert.Equal(10, noisy.Diagnostics.Count);
        Assert.EndsWith("(3 more problems of this checkpoint not shown.)", noisy.Diagnostics[^1].Message, StringComparison.Ordinal);
    }

    /// <summary>Changes one tensor's dtype string in place (same length keeps every offset valid).</summary>
    private static void RewriteDType(string path, string tensor, string from, string to)
        => EditHeader(path, header => header.Replace($"\"{tensor}\":{{\"dtype\":\"{from}\"", $"\"{tensor}\":{{\"dtype\":\"{to}\"", StringComparison.Ordinal));

    /// <summary>Points a tensor's data_offsets at the start of the data section, on top of the first tensor.</summary>
    private static void RewriteOffsets(string path, string tensor)
        => EditHeader(path, header =>
        {
            var at = header.IndexOf($"\"{tensor}\"", StringComparison.Ordinal);
            var offsets = header.IndexOf("\"data_offsets\":[", at, StringComparison.Ordinal) + "\"data_offsets\":[".Length;
            var end = header.IndexOf(']', offsets);
            var length = long.Parse(header[offsets..end].Split(',')[1],
                System.Globalization.CultureInfo.InvariantCulture) - long.Parse(header[offsets..end].Split(',')[0],
                System.Globalization.CultureInfo.InvariantCulture);
            return header[..offsets] + $"0,{length}" + header[end..];
        });

    private static void EditHeader(string path, Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, length).TrimEnd(' ');
        var edited = Encoding.UTF8.GetBytes(edit(header));
        Assert.True(edited.Length <= length, "the edit must not grow the header");
        var padded = Enumerable.Repeat((byte)' ', length).ToArray();
        edited.CopyTo(padded, 0);
        padded.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }
}
