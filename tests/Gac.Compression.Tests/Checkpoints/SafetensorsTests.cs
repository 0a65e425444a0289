using System.Buffers.Binary;
using System.Text;
using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Tests.Checkpoints;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void F32_tensors_round_trip_exactly_with_shape_and_metadata()
    {
        var path = Path.Combine(_folder, "model.safetensors");
        var values = Fixtures.Normal(6 * 5, seed: 1);
        SafetensorsWriter.Write(path, [new("w", [6, 5], values), new("b", [5], [1, 2, 3, 4, 5])], new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);

        Assert.Equal([6L, 5L], file.Entries["w"].Shape);
        Assert.Equal(values, file.ReadFloat32("w"));
        Assert.Equal([1f, 2, 3, 4, 5], file.ReadFloat32("b"));
        Assert.Equal("pt", file.Metadata["format"]);
        // The header is padded with spaces so the data starts 8-byte aligned.
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8)) % 8);
    }

    [Theory]
    [InlineData(SafetensorsDType.F16, 1.0 / 2048)]
    [InlineData(SafetensorsDType.BF16, 1.0 / 256)]
    public void Half_precision_tensors_read_as_float32_within_their_rounding(string dtype, double relative)
    {
        // Round-to-nearest: relative error at most half an ulp, 2^-11 (F16) or 2^-8 (BF16).
        var path = Path.Combine(_folder, dtype + ".safetensors");
        var values = Fixtures.Normal(1000, seed: 2);
        SafetensorsWriter.Write(path, [new("x", [10, 100], values, dtype)]);

        using var file = SafetensorsFile.Open(path);
        var read = file.ReadFloat32("x");

        Assert.Equal(2000, file.Entries["x"].ByteLength);
        Assert.All(values.Zip(read), p => Assert.True(Math.Abs(p.First - p.Second) <= relative * Math.Abs(p.First) + 1e-7, $"{p.First} vs {p.Second}"));
        Assert.Equal(1.5f, ReadBack(dtype, 1.5f));
    }

    [Fact]
    public void A_sharded_checkpoint_reads_each_tensor_from_the_shard_its_index_names()
    {
        var tensors = Enumerable.Range(0, 5).Select(i => new SafetensorsTensor($"t{i}", [3], [i, i + 1, i + 2])).ToList();
        SafetensorsWriter.WriteSharded(_folder, tensors, shardCount: 3);

        using var checkpoint = SafetensorsCheckpoint.Open(_folder);

        Assert.Equal(3, Directory.GetFiles(_folder, "model-*-of-00003.safetensors").Length);
        Assert.Equal(5, checkpoint.Names.Count);
        Assert.Equal([4f, 5, 6], checkpoint.ReadFloat32("t4"));
        Assert.Equal([3L], checkpoint.Shape("t0"));
    }

    [Fact]
    public void A_shard_missing_from_the_folder_is_GAC1205_naming_it()
    {
        SafetensorsWriter.WriteSharded(_folder, [new("a", [1], [1]), new("b", [1], [2])], shardCount: 2);
        File.Delete(Path.Combine(_folder, "model-00002-of-00002.safetensors"));

        var error = Assert.Throws<GacException>(() => SafetensorsCheckpoint.Open(_folder));

        Assert.Equal("GAC1205", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("model-00002-of-00002.safetensors", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shard_name_leaving_the_folder_is_GAC1205()
    {
        File.WriteAllText(Path.Combine(_folder, SafetensorsCheckpoint.IndexFileName), """{ "weight_map": { "a": "../model.safetensors" } }""");

        var error = Assert.Throws<GacException>(() => SafetensorsCheckpoint.Open(_folder));

        Assert.Equal("GAC1205", error.Diagnostics[0].Descriptor.Code);
    }

    [Fact]
    public void An_index_without_weight_map_is_GAC1206()
    {
        File.WriteAllText(Path.Combine(_folder, SafetensorsCheckpoint.IndexFileName), """{ "metadata": {} }""");

        Assert.Equal("GAC1206", Assert.Throws<GacException>(() => SafetensorsCheckpoint.Open(_folder)).Diagnostics[0].Descriptor.Code);
    }

    [Theory]
    [InlineData("length", "GAC1202")]
    [InlineData("json", "GAC1202")]
    [InlineData("entry", "GAC1202")]
    [InlineData("past-end", "GAC1203")]
    [InlineData("size", "GAC1203")]
    public void A_malformed_file_is_a_diagnostic_naming_the_file(string damage, string code)
    {
        var path = Path.Combine(_folder, "broken.safetensors");
        var header = damage switch
        {
            "json" => "{\"w\": {\"dtype\": \"F32\", ",
            "entry" => """{"w": {"dtype": "F32", "shape": [2]}}""",
            "past-end" => """{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""",
            "size" => """{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""",
            _ => """{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""",
        };
        var bytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + bytes.Length + 8];
        BinaryPrimitives.WriteInt64LittleEndian(file, damage == "length" ? 1L << 40 : bytes.Length);
        bytes.CopyTo(file, 8);
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<GacException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal(code, error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("broken.safetensors", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Diagnostics[0].Location?.File);
    }

    [Fact]
    public void Overlapping_tensors_are_GAC1300_naming_both_and_the_file()
    {
        // b's first 8 bytes are a's last 8: reading either would see the other's data.
        var path = WriteRaw("overlap.safetensors", """{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4],""" +
            """ "data_offsets": [8, 24]}}""", 24);

        var error = Assert.Throws<GacException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal("GAC1300", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("'a' [0, 16)", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("'b' [8, 24)", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Diagnostics[0].Location?.File);
    }

    [Fact]
    public void Two_tensors_on_the_same_bytes_are_GAC1300()
    {
        var path = WriteRaw("alias.safetensors", """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2],""" +
            """ "data_offsets": [0, 8]}}""", 8);

        Assert.Equal("GAC1300", Assert.Throws<GacException>(() => SafetensorsFile.Open(path).Dispose()).Diagnostics[0].Descriptor.Code);
    }

    [Theory]
    [InlineData("gap", 24, "[8, 16)")]
    [InlineData("trailing", 32, "holds 32")]
    public void A_data_section_the_header_does_not_tile_is_GAC1301(string damage, int dataBytes, string expected)
    {
        // The reference loader (safetensors' validate) rejects holes and unclaimed trailing bytes: a header
        // that does not describe every byte does not describe this file.
        var header = damage == "gap"
            ? """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}}"""
            : """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}""";
        var path = WriteRaw(damage + ".safetensors", header, dataBytes);

        var error = Assert.Throws<GacException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal("GAC1301", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(expected, error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Diagnostics[0].Location?.File);
    }

    [Fact]
    public void Zero_length_tensors_and_adjacent_ranges_tile_the_data_section()
    {
        var path = WriteRaw("tiled.safetensors", """{"e": {"dtype": "F32", "shape": [0], "data_offsets": [8, 8]}, "a": {"dtype": "F32", "shape": [2],""" +
            """ "data_offsets": [0, 8]}, "b": {"dtype": "F16", "shape": [2], "data_offsets": [8, 12]}}""", 12);

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(3, file.Entries.Count);
    }

    [Fact]
    public void An_integer_tensor_opens_but_reading_it_as_float_is_GAC1204()
    {
        var path = Path.Combine(_folder, "ints.safetensors");
        var header = Encoding.UTF8.GetBytes("""{"ids": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}""");
        var file = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteInt64LittleEndian(file, header.Length);
        header.CopyTo(file, 8);
        File.WriteAllBytes(path, file);

        using var opened = SafetensorsFile.Open(path);

        Assert.Equal("GAC1204", Assert.Throws<GacException>(() => opened.ReadFloat32("ids")).Diagnostics[0].Descriptor.Code);
    }

    [Fact]
    public void A_folder_without_safetensors_is_GAC1201()
        => Assert.Equal("GAC1201", Assert.Throws<GacException>(() => SafetensorsCheckpoint.Open(_folder)).Diagnostics[0].Descriptor.Code);

    private string WriteRaw(string name, string header, int dataBytes)
    {
        var path = Path.Combine(_folder, name);
        var bytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + bytes.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(file, bytes.Length);
        bytes.CopyTo(file, 8);
        File.WriteAllBytes(path, file);
        return path;
    }

    private float ReadBack(string dtype, float value)
    {
        var path = Path.Combine(_folder, "one.safetensors");
        SafetensorsWriter.Write(path, [new("v", [1], [value], dtype)]);
        using var file = SafetensorsFile.Open(path);
        return file.ReadFloat32("v")[0];
    }
}
