using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Building;

/// <summary>
/// The latency probes <c>gac-build profile</c> times: X[M, K]·A[K, r]·B[r, N], a low-rank layer at
/// rank r, or the dense X[M, K]·W[K, N], with the weights as constant initializers and no symbolic
/// dimension (GPU kernel choice depends on M). Weight values do not change a GEMM's latency, so one
/// seeded buffer, Uniform(−1, 1)/64, is shared by every probe (1/64 = 1/√4096 keeps fp16 sums of
/// thousands of products far from overflow).
/// </summary>
public sealed class GemmProbeModels
{
    private const int Seed = 20260301;
    private byte[] _float32 = [];
    private byte[] _float16 = [];

    /// <param name="rank">r for X·A·B; null for the dense X·W.</param>
    /// <param name="type"><see cref="OnnxDataType.Float"/> or <see cref="OnnxDataType.Float16"/>.</param>
    public ModelProto Build(long tokens, long inFeatures, long outFeatures, long? rank, OnnxDataType type)
    {
        if (type is not (OnnxDataType.Float or OnnxDataType.Float16))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "GEMM probes are float or float16.");
        }

        var (m, k, n) = (tokens, inFeatures, outFeatures);
        var graph = new OnnxGraphBuilder("gemm_probe");
        var x = graph.Input("x", type, m, k);
        string y;
        if (rank is { } r)
        {
            var a = graph.Initializer(OnnxTensorFactory.WrapRaw("a", type, Weights(type, k * r), k, r));
            var b = graph.Initializer(OnnxTensorFactory.WrapRaw("b", type, Weights(type, r * n), r, n));
            y = graph.Node("MatMul", [graph.Node("MatMul", [x, a], "low_rank_a"), b], "low_rank_b");
        }
        else
        {
            var w = graph.Initializer(OnnxTensorFactory.WrapRaw("w", type, Weights(type, k * n), k, n));
            y = graph.Node("MatMul", [x, w], "dense");
        }

        graph.Output(y, type, m, n);
        return graph.Build();
    }

    private ReadOnlyMemory<byte> Weights(OnnxDataType type, long count)
    {
        var half = type == OnnxDataType.Float16;
        var bytes = checked((int)(count * (half ? 2 : 4)));
        ref var buffer = ref half ? ref _float16 : ref _float32;
        if (buffer.Length < bytes)
        {
            buffer = Fill(half, count);
        }

        return buffer.AsMemory(0, bytes);
    }

    private static byte[] Fill(bool half, long count)
    {
        var random = new Random(Seed);
        var bytes = new byte[count * (half ? 2 : 4)];
        if (half)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
            for (var i = 0; i < halves.Length; i++)
            {
                halves[i] = (Half)((random.NextSingle() * 2 - 1) / 64);
            }
        }
        else
        {
            var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = (random.NextSingle() * 2 - 1) / 64;
            }
        }

        return bytes;
    }
}
