namespace Gac.Onnx.Tests.Rewrites;

/// <summary>Exact factorizations W = A·B computed in C#, so a full-rank split must reproduce the layer.</summary>
internal static class Factorizations
{
    /// <summary>
    /// r = min(K, N). When N ≤ K: A = W·Q and B = Qᵀ for an orthogonal N×N Q (Q·Qᵀ = I), else
    /// A = Q and B = Qᵀ·W for an orthogonal K×K Q — both factors dense, neither an identity.
    /// </summary>
    public static (long Rank, float[] A, float[] B) Exact(float[] w, long k, long n, int seed)
    {
        if (n <= k)
        {
            var q = Orthogonal(n, seed);
            return (n, Multiply(w, q, k, n, n), Transpose(q, n, n));
        }

        var qk = Orthogonal(k, seed);
        return (k, qk, Multiply(Transpose(qk, k, k), w, k, k, n));
    }

    /// <summary>Modified Gram–Schmidt on Gaussian columns in double precision.</summary>
    public static float[] Orthogonal(long size, int seed)
    {
        var random = new Random(seed);
        var columns = new double[size][];
        for (var j = 0; j < size; j++)
        {
            var c = Enumerable.Range(0, (int)size).Select(_ => Gaussian(random)).ToArray();
            for (var p = 0; p < j; p++)
            {
                var dot = c.Zip(columns[p], (x, y) => x * y).Sum();
                for (var i = 0; i < size; i++)
                {
                    c[i] -= dot * columns[p][i];
                }
            }

            var norm = Math.Sqrt(c.Sum(x => x * x));
            columns[j] = c.Select(x => x / norm).ToArray();
        }

        var q = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                q[i * size + j] = (float)columns[j][i];
            }
        }

        return q;
    }

    public static float[] Multiply(float[] a, float[] b, long m, long k, long n)
    {
        var c = new float[m * n];
        for (long i = 0; i < m; i++)
        {
            for (long j = 0; j < n; j++)
            {
                double sum = 0;
                for (long p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * b[p * n + j];
                }

                c[i * n + j] = (float)sum;
            }
        }

        return c;
    }

    public static float[] Transpose(float[] a, long rows, long columns)
    {
        var t = new float[a.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                t[c * rows + r] = a[r * columns + c];
            }
        }

        return t;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
