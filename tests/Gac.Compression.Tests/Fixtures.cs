namespace Gac.Compression.Tests;

/// <summary>Deterministic test data: every fixture comes from a fixed seed.</summary>
internal static class Fixtures
{
    public static float[] Normal(int count, int seed, double scale = 1.0)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    public static WeightMatrix Weight(int rows, int columns, int seed) => new(rows, columns, Normal(rows * columns, seed));

    /// <summary>A weight with a decaying spectrum (low-rank part plus small noise), like trained layers.</summary>
    public static WeightMatrix DecayingWeight(int rows, int columns, int innerRank, int seed)
    {
        var left = Normal(rows * innerRank, seed);
        var right = Normal(innerRank * columns, seed + 1);
        var noise = Normal(rows * columns, seed + 2, 0.05);
        var values = new float[rows * columns];
        for (var i = 0; i < rows; i++)
        {
            for (var k = 0; k < innerRank; k++)
            {
                // Component k weighted by 1/(k+1): a smooth decay.
                var l = left[i * innerRank + k] / (k + 1f);
                for (var j = 0; j < columns; j++)
                {
                    values[i * columns + j] += l * right[k * columns + j];
                }
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += noise[i];
        }
        return new WeightMatrix(rows, columns, values);
    }

    /// <summary>C = A·B in double, row-major; an independent reference for the TorchSharp code.</summary>
    public static double[] MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, int inner, int columns)
    {
        var c = new double[rows * columns];
        for (var i = 0; i < rows; i++)
        {
            for (var k = 0; k < inner; k++)
            {
                double aik = a[i * inner + k];
                for (var j = 0; j < columns; j++)
                {
                    c[i * columns + j] += aik * b[k * columns + j];
                }
            }
        }
        return c;
    }

    public static double FrobeniusDistance(ReadOnlySpan<double> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = x[i] - y[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    public static double FrobeniusDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var d = x[i] - y[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }
}
