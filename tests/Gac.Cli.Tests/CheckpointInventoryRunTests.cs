using System.Buffers.Binary;
using System.Text;
using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;

namespace Gac.Cli.Tests;

/// <summary>
/// `gac-build run` on a Hugging Face folder whose config.json and weights disagree: bad input, exit 2,
/// a GAC13xx line at the file to fix, no stack trace, and nothing published.
/// </summary>
public sealed class CheckpointInventoryRunTests
{
    private const string Config = """
        {
          "model_type": "llama",
          "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
          "num_attention_heads": 2, "vocab_size": 64, "max_position_embeddings": 32
        }
        """;

    private const string Spec = """
        version: 1
        model:
          path: ckpt
        calibration:
          samples: 1
          dims: { batch: 1, seq: 8 }
        compress:
          method: asvd
          ratio: 0.2
        alignment:
          strategy: gac
          profile: generic-8
        export:
          path: out/model.gac.onnx
        validation:
          provider: cpu
        """;

    [Fact]
    public void A_config_declaring_two_layers_over_four_stored_stops_the_run_with_GAC1302_at_config_json()
    {
        using var folder = new TempFolder();
        var stored = TransformerConfigReader.Parse(Config) with { Layers = 4 };
        WriteCheckpoint(folder.File("ckpt"), stored);
        File.WriteAllText(folder.File("gac.yaml"), Spec);

        var run = CliRun.Invoke("run", folder.File("gac.yaml"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{Path.Combine(folder.Path, "ckpt", "config.json")}(3,47): error GAC1302:", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace, run.Error);
        Assert.False(File.Exists(folder.File("out/model.gac.onnx")));
    }

    [Fact]
    public void Overlapping_safetensors_offsets_stop_the_run_with_GAC1300_at_the_file()
    {
        using var folder = new TempFolder();
        var safetensors = WriteCheckpoint(folder.File("ckpt"), TransformerConfigReader.Parse(Config));
        PointAtStart(safetensors, "model.norm.weight");
        File.WriteAllText(folder.File("gac.yaml"), Spec);

        var run = CliRun.Invoke("run", folder.File("gac.yaml"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{safetensors}: error GAC1300:", run.Error, StringComparison.Ordinal);
        Assert.Contains("'model.norm.weight'", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace, run.Error);
    }

    private static string WriteCheckpoint(string folder, TransformerConfig stored)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), Config);
        var random = new Random(3);
        var tensors = CheckpointLayout.Tensors(stored)
            .Select(t => new SafetensorsTensor(t.Name, t.Shape, Enumerable.Range(0, (int)t.Shape.Aggregate(1L, (a, d) => a * d)).Select(_ =>
                (float)(random.NextDouble() - 0.5)).ToArray()))
            .ToList();
        var path = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    /// <summary>Moves a tensor's data_offsets onto the first tensor's bytes, keeping its length.</summary>
    private static void PointAtStart(string path, string tensor)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, length);
        var offsets = header.IndexOf("\"data_offsets\":[", header.IndexOf($"\"{tensor}\"", StringComparison.Ordinal), StringComparison.Ordinal)
            + "\"data_offsets\":[".Length;
        var end = header.IndexOf(']', offsets);
        var span = header[offsets..end].Split(',').Select(long.Parse).ToArray();
        var edited = header[..offsets] + $"0,{span[1] - span[0]}" + header[end..];
        Encoding.UTF8.GetBytes(edited.PadRight(length)).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }
}
