using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// A non-increasing error curve err(d) of one decision, e.g. for low rank
/// err(r) = sqrt(Σ_{k&gt;r} σ_k²) of the activation-scaled weight (GAC-METHOD §4). Stored as sample
/// points and interpolated piecewise-linearly, which keeps the interpolant monotone between
/// monotone samples. Outside the sampled range the nearest end value is used.
/// </summary>
public sealed record ErrorCurve
{
    private ErrorCurve(IReadOnlyList<long> dimensions, IReadOnlyList<double> errors)
    {
        Dimensions = dimensions;
        Errors = errors;
    }

    /// <summary>Sample dimensions, strictly increasing.</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>err at each sample dimension, non-increasing.</summary>
    public IReadOnlyList<double> Errors { get; }

    /// <summary>err(0) when the curve starts at 0 (for SVD this is the Frobenius norm), else null.</summary>
    public double? ErrorAtZero => Dimensions[0] == 0 ? Errors[0] : null;

    /// <summary>A dense curve: <paramref name="errors"/>[d] is err(d) for d = 0, 1, 2, ...</summary>
    public static ErrorCurve FromDense(IReadOnlyList<double> errors)
        => FromPoints(Enumerable.Range(0, errors.Count).Select(i => (long)i).ToArray(), errors);

    /// <summary>Sampled points (d, err(d)); d strictly increasing, err non-increasing.</summary>
    public static ErrorCurve FromPoints(IReadOnlyList<long> dimensions, IReadOnlyList<double> errors)
    {
        if (dimensions.Count == 0 || dimensions.Count != errors.Count)
        {
            throw Invalid($"needs at least one point and as many errors as dimensions (got {dimensions.Count} dimensions, {errors.Count} errors)");
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i] < 0 || !double.IsFinite(errors[i]) || errors[i] < 0)
            {
                throw Invalid($"point {i} (d={dimensions[i]}, err={errors[i]}) has a negative dimension or a negative/non-finite error");
            }

            if (i > 0 && dimensions[i] <= dimensions[i - 1])
            {
                throw Invalid($"dimensions must strictly increase, but point {i} has d={dimensions[i]} after d={dimensions[i - 1]}");
            }

            // Tail energies are non-increasing in exact arithmetic; allow float noise of 1e-9 relative.
            if (i > 0 && errors[i] > errors[i - 1] * (1 + 1e-9) + 1e-12)
            {
                throw Invalid($"error must not grow with the dimension, but err({dimensions[i]})={errors[i]} > err({dimensions[i - 1]})={errors[i - 1]}");
            }
        }

        return new ErrorCurve(dimensions.ToArray(), errors.ToArray());
    }

    public double At(double dimension)
    {
        if (dimension <= Dimensions[0])
        {
            return Errors[0];
        }

        var last = Dimensions.Count - 1;
        if (dimension >= Dimensions[last])
        {
            return Errors[last];
        }

        var hi = BinarySearchUpper(dimension);
        var lo = hi - 1;
        var t = (dimension - Dimensions[lo]) / (double)(Dimensions[hi] - Dimensions[lo]);
        return Errors[lo] + (t * (Errors[hi] - Errors[lo]));
    }

    private int BinarySearchUpper(double dimension)
    {
        int lo = 0, hi = Dimensions.Count - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (Dimensions[mid] <= dimension)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }

    private static GacException Invalid(string detail)
        => GacException.Create(DiagnosticCatalogue.InvalidErrorCurve, $"Invalid error curve: {detail}.");
}
