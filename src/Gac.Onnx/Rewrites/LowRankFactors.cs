namespace Gac.Onnx.Rewrites;

/// <summary>
/// W[K,N] ≈ A·B for the layer discovery names <paramref name="LayerName"/> (LinearLayer.Name):
/// A is [K, Rank] and B is [Rank, N], both row-major float32, in the layer's logical X·W
/// orientation whatever the ONNX storage (Gemm transB = 1 included).
/// </summary>
public sealed record LowRankFactors(string LayerName, long Rank, float[] A, float[] B);

/// <summary>A new dense W[K,N] (row-major, logical X·W orientation) for the layer named <paramref name="LayerName"/>.</summary>
public sealed record DenseWeight(string LayerName, float[] W);
