namespace Gac.Onnx.Synthetic;

/// <summary>
/// A weight with a prescribed singular spectrum: W = s · U·diag(k^-decay)·Vᵀ with random
/// orthonormal U [K, r] and V [N, r], r = min(K, N), and s chosen so that ‖W‖_F matches the
/// expected norm of a Uniform(-bound, bound) matrix (variance bound²/3 per entry). Trained
/// layers' spectra decay roughly like a power law, so truncating them is meaningful; an iid
/// uniform matrix has a flat spectrum and every rank cut hurts it alike.
/// Cost O((K + N)·r² + K·N·r): meant for the small models tests generate.
/// </summary>
internal static class SpectralWeights
{
    public static float[] Create(Random random, long inFeatures, long outFeatures, float bound, double decay)
    {
        var rank = (int)Math.Min(inFeatures, outFeatures);
        var u = OrthonormalColumns(random, inFeatures, rank);
        var v = OrthonormalColumns(random, outFeatures, rank);
        var sigma = Enumerable.Range(1, rank).Select(k => Math.Pow(k, -decay)).ToArray();
        var target = inFeatures * outFeatures * (double)bound * bound / 3;
        var scale = Math.Sqrt(target / sigma.Sum(s => s * s));

        var weights = new float[inFeatures * outFeatures];
        for (long i = 0; i < inFeatures; i++)
        {
            for (long j = 0; j < outFeatures; j++)
            {
                double sum = 0;
                for (var k = 0; k < rank; k++)
                {
                    sum += u[k][i] * sigma[k] * v[k][j];
                }

                weights[i * outFeatures + j] = (float)(scale * sum);
            }
        }

        return weights;
    }

    /// <summary>Modified Gram–Schmidt on Gaussian vectors (Box–Muller), in double precision.</summary>
    private static double[][] OrthonormalColumns(Random random, long length, int count)
    {
        var columns = new double[count][];
        for (var c = 0; c < count; c++)
        {
            var column = new double[length];
            for (var i = 0; i < length; i++)
            {
                column[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }

            for (var p = 0; p < c; p++)
            {
                double dot = 0;
                for (var i = 0; i < length; i++)
                {
                    dot += column[i] * columns[p][i];
                }

                for (var i = 0; i < length; i++)
                {
                    column[i] -= dot * columns[p][i];
                }
            }

            var norm = Math.Sqrt(column.Sum(x => x * x));
            for (var i = 0; i < length; i++)
            {
                column[i] /= norm;
            }

            columns[c] = column;
        }

        return columns;
    }
}
