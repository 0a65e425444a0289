using Gac.Compression.Checkpoints;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Exporters;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Gac.Compression.Tests.Checkpoints;

/// <summary>
/// export.dtype fp16 on a bf16 checkpoint: the weights are stored as float16 and cast back, while
/// RoPE (frequencies stored as float64, cos/sin computed in the graph), norms and softmax run in
/// float32. bf16 weights have 8 significant bits, float16 has 11, so every weight in float16's
/// normal range converts exactly; what remains is the few weights below 6.1e-5 (float16
/// subnormals, absolute step 6e-8). Measured max |logit(fp16) − logit(fp32)|: see the bound below
/// and the README ("fp16 exports").
/// </summary>
public sealed class Fp16ExportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Measured: llama (hidden 64, 2 layers, 1024 positions) 4.8e-7 with |logits| up to 7.3; Mistral
    /// with YaRN and a sliding window 0; GPT-2 0. Before RoPE moved into the graph the fp16 export
    /// also rounded the cos/sin tables (7e-3 to 1.3e-2 on bf16 checkpoints, issue 11).
    /// </summary>
    private const float Bound = 1e-5f;

    private const string LongLlama = """
        { "model_type": "llama", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4,
          "num_key_value_heads": 2, "vocab_size": 64, "max_position_embeddings": 4096, "rope_theta": 10000.0 }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-fp16-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("llama-long", 1024)]
    [InlineData("mistral-yarn-window", 64)]
    [InlineData("gpt2", 40)]
    public void An_fp16_export_of_a_bf16_checkpoint_matches_its_fp32_export(string name, int sequence)
    {
        var json = name == "llama-long" ? LongLlama : TinyHfCheckpoint.Configs[name];
        var config = TransformerConfigReader.Parse(json);
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, name), json, TinyHfCheckpoint.Tensors(config, SafetensorsDType.BF16));
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var fp32 = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, "fp32.onnx"),
            new CheckpointExportOptions { FlushToDisk = false }).ModelPath;
        var fp16 = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, "fp16.onnx"),
            new CheckpointExportOptions { FlushToDisk = false, Float16Weights = true }).ModelPath;
        var ids = Enumerable.Range(0, sequence).Select(i => (long)((i * 7919) % config.VocabSize)).ToArray();

        var a = Run(fp32, ids);
        var b = Run(fp16, ids);

        var worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"{name}, {sequence} positions: max |fp16 − fp32| = {worst:E2}, max |logit| = {a.Max(Math.Abs):F2}");
        Assert.True(worst <= Bound, $"{name}: {worst:E2} > {Bound:E0}");
    }

    [Fact]
    public void In_an_fp16_export_weights_are_float16_and_feed_float16_MatMuls_or_a_cast_to_float32()
    {
        var config = TransformerConfigReader.Parse(TinyHfCheckpoint.Configs["mistral-yarn-window"]);
        var folder = TinyHfCheckpoint.Write(Path.Combine(_folder, "m"), "mistral-yarn-window", dtype: SafetensorsDType.BF16);
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var path = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, "fp16.onnx"),
            new CheckpointExportOptions { FlushToDisk = false, Float16Weights = true }).ModelPath;
        var graph = OnnxModelFile.Load(path).Model.Graph;

        var halves = graph.Initializer.Where(t => t.DataType == (int)OnnxDataType.Float16).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(halves);
        var consumers = graph.Node.Where(n => n.Input.Any(halves.Contains)).ToList();
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var matMuls = consumers.Where(n => n.OpType == "MatMul").ToList();
        // q, k, v, o, gate, up, down per layer and lm_head: every weight GEMM reads its float16 weight and a float16 activation.
        Assert.Equal(7 * config.Layers + 1, matMuls.Count);
        Assert.All(matMuls, n => Assert.True(producers[n.Input[0]] is { OpType: "Cast" } c && c.Attribute.Single().I == (long)OnnxDataType.Float16
            || producers[n.Input[0]].OpType == "MatMul", n.Name));
        // Everything else (norm weights, embedding rows) is read through a Cast to float32: norms stay float32.
        Assert.All(consumers.Except(matMuls), n => Assert.Equal(("Cast", (long)OnnxDataType.Float), (n.OpType, n.Attribute.Single(a => a.Name == "to").I)));
        Assert.DoesNotContain(graph.Node, n => n.OpType is "Softmax" or "ReduceMean" or "Pow" && n.Input.Any(i => producers.TryGetValue(i, out var p)
            && p.OpType == "MatMul" && p.Input.Any(halves.Contains)));
        Assert.Equal((int)OnnxDataType.Double, graph.Initializer.Single(t => t.Name == "rotary.inv_freq").DataType);
    }

    private static float[] Run(string path, long[] ids)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [1, ids.Length]))]);
        return results.Single(r => r.Name == CheckpointExport.OutputName).AsTensor<float>().ToArray();
    }
}
