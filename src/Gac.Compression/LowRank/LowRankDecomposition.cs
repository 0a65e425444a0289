using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using static TorchSharp.torch;

namespace Gac.Compression.LowRank;

/// <summary>
/// One layer's singular spectrum and singular basis, from which factors of any rank are cut without
/// decomposing again. Owns native tensors (the scaled weight and a min(K,N)² basis): dispose it as
/// soon as the layer is done so memory stays bounded to one layer.
/// </summary>
public sealed class LowRankDecomposition : IDisposable
{
    private readonly bool _leftBasis;
    private readonly double[] _squaredSingularValues;
    private readonly double[] _tailSquares;
    private readonly Tensor _weight;
    private readonly Tensor _basis;
    private readonly Tensor? _scale;
    private bool _disposed;

    internal LowRankDecomposition(
        string name,
        int rows,
        int columns,
        bool leftBasis,
        double[] squaredSingularValues,
        double frobeniusSquared,
        Tensor weight,
        Tensor basis,
        Tensor? scale)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        _leftBasis = leftBasis;
        _squaredSingularValues = squaredSingularValues;
        _weight = weight;
        _basis = basis;
        _scale = scale;
        FrobeniusSquared = frobeniusSquared;
        FrobeniusNorm = Math.Sqrt(frobeniusSquared);
        // Tail sums accumulated from the smallest σ² up keep small tails accurate.
        _tailSquares = new double[squaredSingularValues.Length + 1];
        for (var k = squaredSingularValues.Length - 1; k >= 0; k--)
        {
            _tailSquares[k] = _tailSquares[k + 1] + squaredSingularValues[k];
        }
    }

    public string Name { get; }

    /// <summary>True when the basis holds the short side's left singular vectors (K ≤ N).</summary>
    internal bool LeftBasis => _leftBasis;

    /// <summary>σ² largest first, as decomposed (the spill keeps them bit for bit).</summary>
    internal IReadOnlyList<double> SquaredSingularValues => _squaredSingularValues;

    /// <summary>trace of the Gram matrix as summed (the spill keeps it rather than re-squaring the norm).</summary>
    internal double FrobeniusSquared { get; }

    /// <summary>The singular basis in its decomposed precision; <see cref="DecompositionCache"/> spills it.</summary>
    internal Tensor Basis => _basis;

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>True when the decomposed matrix is diag(S)·W (ASVD).</summary>
    public bool IsActivationAware => _scale is not null;

    public int MaxRank => _squaredSingularValues.Length;

    /// <summary>‖W‖_F of the decomposed (scaled) matrix: sqrt(trace of the Gram matrix), summed in fp64.</summary>
    public double FrobeniusNorm { get; }

    /// <summary>σ₁ ≥ σ₂ ≥ … of the decomposed (scaled) matrix, min(K,N) of them.</summary>
    public double[] SingularValues() => _squaredSingularValues.Select(Math.Sqrt).ToArray();

    /// <summary>Eckart–Young: the best rank-r approximation misses sqrt(Σ_{k>r} σ_k²).</summary>
    public double TruncationError(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        return Math.Sqrt(_tailSquares[Math.Min(rank, MaxRank)]);
    }

    /// <summary><see cref="TruncationError"/> / ‖W‖_F, in [0, 1].</summary>
    public double NormalizedError(int rank) => FrobeniusNorm > 0 ? Math.Min(1.0, TruncationError(rank) / FrobeniusNorm) : 0;

    /// <summary>Normalised error at every rank 0..<paramref name="maxRank"/> (default: all ranks).</summary>
    public double[] ErrorCurve(int? maxRank = null)
    {
        var last = Math.Min(maxRank ?? MaxRank, MaxRank);
        return Enumerable.Range(0, last + 1).Select(NormalizedError).ToArray();
    }

    /// <summary>A[K,r], B[r,N] with √σ in both and S⁻¹ folded into A; W ≈ A·B.</summary>
    public LowRankFactors Factorize(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, MaxRank);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var scope = NewDisposeScope();
            var (a, b, captured) = FactorTensors(rank);
            // ‖W − Q_r Q_rᵀ W‖² = ‖W‖² − ‖Q_rᵀ W‖² for an orthonormal Q_r: the residual of these very
            // factors, at no extra product.
            var residual = Math.Sqrt(Math.Max(0, FrobeniusNorm * FrobeniusNorm - captured));
            return new LowRankFactors(Name, Rows, rank, Columns, a.data<float>().ToArray(), b.data<float>().ToArray(), residual);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or OutOfMemoryException)
        {
            throw GacException.Create(DiagnosticCatalogue.TorchOperationFailed, $"{Name}: building rank-{rank} factors failed: {e.Message}", inner: e);
        }
    }

    /// <summary>
    /// ‖X·W − X·A·B‖_F / ‖X·W‖_F on calibration rows X[tokens, K] (row-major): the measured output
    /// error of the rank-r factors, the costlier alternative to the spectrum's proxy.
    /// </summary>
    public double OutputError(int rank, ReadOnlySpan<float> calibrationRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, MaxRank);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (calibrationRows.Length == 0 || calibrationRows.Length % Rows != 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationShapeMismatch,
                $"{Name}: {calibrationRows.Length} calibration values are not whole rows of width {Rows}.");
        }
        using var scope = NewDisposeScope();
        var x = tensor(calibrationRows.ToArray(), [calibrationRows.Length / Rows, Rows], ScalarType.Float32);
        var (a, b, _) = FactorTensors(rank);
        // X·W from the scaled weight: X·W = (X·S⁻¹)·(S·W).
        var reference = (_scale is null ? x : x.div(_scale)).mm(_weight);
        var approximation = x.mm(a).mm(b);
        var denominator = reference.norm().item<float>();
        return denominator > 0 ? reference.sub(approximation).norm().item<float>() / denominator : 0;
    }

    /// <summary>Factors in the current dispose scope, and ‖Q_rᵀ·W‖² (the energy they capture).</summary>
    private (Tensor A, Tensor B, double Captured) FactorTensors(int rank)
    {
        var q = _basis.narrow(1, 0, rank).to_type(ScalarType.Float32);
        var sigmas = _squaredSingularValues.Take(rank).Select(Math.Sqrt).ToArray();
        // √σ per component; a tiny floor keeps A·B = P·Qᵀ exact when σ vanishes (rank-deficient W).
        var floor = Math.Max(sigmas[0] * 1e-12, 1e-30);
        var root = tensor(sigmas.Select(s => (float)Math.Sqrt(Math.Max(s, floor))).ToArray(), ScalarType.Float32);
        Tensor a, b;
        double captured;
        if (_leftBasis)
        {
            // x·x, not square(): TorchSharp's square() is pow(2) with an implicit Scalar it does not keep alive
            // across the native call (a GC mid-call failed CI with "Scalar.h:279" in pow_Tensor_Scalar).
            var projected = q.t().mm(_weight);                 // U_rᵀ·W = Σ_r·V_rᵀ  [r, N]
            captured = projected.mul(projected).sum(ScalarType.Float64).item<double>();
            a = q.mul(root.unsqueeze(0));                     // U_r·√Σ
            b = projected.div(root.unsqueeze(1));             // √Σ·V_rᵀ
        }
        else
        {
            var projected = _weight.mm(q);                     // W·V_r = U_r·Σ_r  [K, r]
            captured = projected.mul(projected).sum(ScalarType.Float64).item<double>();
            a = projected.div(root.unsqueeze(0));             // U_r·√Σ
            b = q.t().mul(root.unsqueeze(1));                 // √Σ·V_rᵀ
        }
        if (_scale is not null)
        {
            a = a.div(_scale.unsqueeze(1));                    // fold S⁻¹ back: W ≈ S⁻¹·(S·W)_r
        }
        return (a.contiguous(), b.contiguous(), captured);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _weight.Dispose();
        _basis.Dispose();
        _scale?.Dispose();
    }
}
