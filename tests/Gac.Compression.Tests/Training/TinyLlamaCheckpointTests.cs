using System.Buffers.Binary;
using System.Text.Json;

namespace Gac.Compression.Tests.Training;

/// <summary>
/// The bundled trained example, examples/models/tiny-llama (made by build/train-example-lm/train.sh),
/// is a Hugging Face Llama checkpoint that other readers can rely on: read back here with plain JSON
/// parsing, independent of the code that wrote it.
/// </summary>
public sealed class TinyLlamaCheckpointTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");

    [Fact]
    public void The_safetensors_header_lists_exactly_the_Llama_tensors_config_json_implies_as_F32()
    {
        var expected = ExpectedShapes(Config());
        var (header, _) = ReadHeader();

        var actual = header.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, actual[e.Key]));
        Assert.All(header.EnumerateObject().Where(p => p.Name != "__metadata__"), p => Assert.Equal("F32", p.Value.GetProperty("dtype").GetString()));
    }

    [Fact]
    public void Tensor_data_tiles_the_data_section_after_a_header_padded_to_8_bytes()
    {
        var (header, headerLength) = ReadHeader();
        var fileLength = new FileInfo(Path.Combine(Folder, "model.safetensors")).Length;

        var spans = header.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .Select(p => (Name: p.Name, Shape: p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                Offsets: p.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .OrderBy(s => s.Offsets[0])
            .ToList();

        Assert.Equal(0, headerLength % 8);
        var next = 0L;
        foreach (var (name, shape, offsets) in spans)
        {
            Assert.True(offsets[0] == next, $"{name} starts at {offsets[0]}, expected {next} (no gaps, no overlaps)");
            Assert.Equal(shape.Aggregate(4L, (a, d) => a * d), offsets[1] - offsets[0]);
            next = offsets[1];
        }
        Assert.Equal(fileLength - 8 - headerLength, next);
    }

    [Fact]
    public void The_weights_are_trained_not_the_initialisation()
    {
        // RMSNorm gains start at exactly 1 (HF LlamaRMSNorm); training moves every final-norm gain off 1.
        var gains = ReadTensor("model.norm.weight");

        Assert.Equal(Config().GetProperty("hidden_size").GetInt32(), gains.Length);
        Assert.All(gains, g => Assert.True(float.IsFinite(g)));
        Assert.True(gains.Count(g => Math.Abs(g - 1f) > 1e-3f) > gains.Length / 2, "most final-norm gains should have moved by more than 1e-3 from 1");
    }

    [Theory]
    [InlineData("heldout.tokens")]
    [InlineData("calib.tokens")]
    public void Token_files_hold_a_few_thousand_byte_level_ids(string file)
    {
        var ids = File.ReadAllText(Path.Combine(Folder, file))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(int.Parse)
            .ToArray();
        var vocab = Config().GetProperty("vocab_size").GetInt32();

        Assert.InRange(ids.Length, 2048, 8192);
        Assert.All(ids, id => Assert.InRange(id, 0, vocab - 1));
        // Fortune text is mostly printable ASCII: lowercase 'e' or space is the most frequent byte.
        Assert.Contains(ids.GroupBy(i => i).MaxBy(g => g.Count())!.Key, new[] { (int)' ', (int)'e' });
    }

    private static JsonElement Config() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "config.json"))).RootElement;

    private static SortedDictionary<string, long[]> ExpectedShapes(JsonElement config)
    {
        long Get(string key) => config.GetProperty(key).GetInt64();
        var (hidden, vocab, inter) = (Get("hidden_size"), Get("vocab_size"), Get("intermediate_size"));
        var headDim = hidden / Get("num_attention_heads");
        var (q, kv) = (Get("num_attention_heads") * headDim, Get("num_key_value_heads") * headDim);
        var shapes = new SortedDictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = [vocab, hidden],
            ["model.norm.weight"] = [hidden],
            ["lm_head.weight"] = [vocab, hidden],
        };
        for (var i = 0; i < Get("num_hidden_layers"); i++)
        {
            var p = $"model.layers.{i}.";
            shapes[p + "input_layernorm.weight"] = [hidden];
            shapes[p + "post_attention_layernorm.weight"] = [hidden];
            shapes[p + "self_attn.q_proj.weight"] = [q, hidden];
            shapes[p + "self_attn.k_proj.weight"] = [kv, hidden];
            shapes[p + "self_attn.v_proj.weight"] = [kv, hidden];
            shapes[p + "self_attn.o_proj.weight"] = [hidden, q];
            shapes[p + "mlp.gate_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.up_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.down_proj.weight"] = [hidden, inter];
        }
        return shapes;
    }

    private static (JsonElement Header, long Length) ReadHeader()
    {
        using var file = File.OpenRead(Path.Combine(Folder, "model.safetensors"));
        var prefix = new byte[8];
        file.ReadExactly(prefix);
        var length = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var json = new byte[length];
        file.ReadExactly(json);
        return (JsonDocument.Parse(json).RootElement, length);
    }

    private static float[] ReadTensor(string name)
    {
        var (header, length) = ReadHeader();
        var offsets = header.GetProperty(name).GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        using var file = File.OpenRead(Path.Combine(Folder, "model.safetensors"));
        file.Seek(8 + length + offsets[0], SeekOrigin.Begin);
        var bytes = new byte[offsets[1] - offsets[0]];
        file.ReadExactly(bytes);
        return Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Gac.Build.sln not found above the test folder.");
    }
}
