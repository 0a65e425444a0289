using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.Tests.Building;

public sealed class GraphBuilderTests
{
    [Fact]
    public void A_low_rank_probe_computes_x_times_a_times_b_on_onnx_runtime()
    {
        const int M = 3, K = 8, R = 2, N = 5;
        var model = new GemmProbeModels().Build(M, K, N, R, OnnxDataType.Float);
        var a = Floats(model, "a");
        var b = Floats(model, "b");
        var x = OrtRunner.Input(11, M * K);

        var y = Run(model, x, M, K);

        // Expected from the definition of the probe, X·A·B, summed here in double.
        Assert.Equal(M * N, y.Length);
        for (var i = 0; i < M; i++)
        {
            for (var j = 0; j < N; j++)
            {
                var expected = 0.0;
                for (var r = 0; r < R; r++)
                {
                    var xa = Enumerable.Range(0, K).Sum(k => (double)x[i * K + k] * a[k * R + r]);
                    expected += xa * b[r * N + j];
                }

                // fp32 sums of 8 products of magnitude ≤ 1/64: rounding stays far below 1e-6.
                Assert.Equal(expected, y[i * N + j], 1e-6);
            }
        }
    }

    [Fact]
    public void A_dense_probe_is_one_matmul_with_fixed_dims_and_probes_share_their_weight_bytes()
    {
        var models = new GemmProbeModels();
        var dense = models.Build(4, 16, 16, null, OnnxDataType.Float16);
        var lowRank = models.Build(4, 16, 16, 8, OnnxDataType.Float16);

        var node = Assert.Single(dense.Graph.Node);
        Assert.Equal("MatMul", node.OpType);
        Assert.All(dense.Graph.Input.Concat(dense.Graph.Output), v =>
        {
            Assert.Equal((int)OnnxDataType.Float16, v.Type.TensorType.ElemType);
            Assert.All(v.Type.TensorType.Shape.Dim, d => Assert.True(d.HasDimValue, $"{v.Name} has a symbolic dim"));
        });
        Assert.Equal(["low_rank_a", "low_rank_b"], lowRank.Graph.Node.Select(n => n.Name));
        // The weights are one seeded buffer: the first 16·8 values of W are A's.
        var w = dense.Graph.Initializer.Single().RawData;
        var a = lowRank.Graph.Initializer.Single(t => t.Name == "a").RawData;
        Assert.True(w.Span[..a.Length].SequenceEqual(a.Span));
    }

    [Fact]
    public void A_named_output_keeps_its_plain_name_and_a_taken_name_is_refused()
    {
        var graph = new OnnxGraphBuilder("named");
        var x = graph.Input("x", OnnxDataType.Float, "batch", 4);
        var y = graph.NodeWithOutput("logits", "Identity", [x]);
        graph.Output(y, OnnxDataType.Float, "batch", 4);

        var model = graph.Build();

        Assert.Equal("logits", y);
        Assert.Equal("logits", model.Graph.Node.Single().Output.Single());
        Assert.Equal("logits", model.Graph.Output.Single().Name);
        Assert.Throws<ArgumentException>(() => graph.NodeWithOutput("x", "Identity", [y]));
    }

    private static float[] Floats(ModelProto model, string name)
        => model.Graph.Initializer.Single(t => t.Name == name).RawData.Span.ToArray().Chunk(4).Select(c => BitConverter.ToSingle(c)).ToArray();

    private static float[] Run(ModelProto model, float[] x, int m, int k)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gac-probe-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, model.ToByteArray());
            return OrtRunner.Run(path, "x", x, m, k);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
