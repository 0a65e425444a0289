namespace Gac.Runtime.Profiling;

/// <summary>
/// One model the profiler times: X[M, K] · A[K, r] · B[r, N] for a rank r, or the dense X[M, K] · W[K, N]
/// when <see cref="Rank"/> is null. M (<see cref="Tokens"/>) is a fixed input dimension, because
/// GPU kernel choice depends on it (GAC paper §3: M 1728→1729 costs +30% on A100).
/// </summary>
public sealed record GemmProbe(GemmShape Shape, int Tokens, long? Rank, ProbeDataType DataType)
{
    public bool IsDense => Rank is null;

    /// <summary>A label for progress and errors: "4096x14336 r=512" or "4096x14336 dense".</summary>
    public string Name => IsDense ? $"{Shape.Key} dense" : $"{Shape.Key} r={Rank}";
}
