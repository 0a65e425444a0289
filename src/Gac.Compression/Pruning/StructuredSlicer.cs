namespace Gac.Compression.Pruning;

/// <summary>
/// Applies a pruning decision: new, smaller weights that keep the listed channels or heads, with every
/// coupled matrix and bias sliced the same way. Inputs are not modified.
/// </summary>
public static class StructuredSlicer
{
    /// <summary>Keeps intermediate channels <paramref name="kept"/> (ascending): Up/Gate columns, Down rows, their biases.</summary>
    public static MlpWeights Slice(MlpWeights mlp, IReadOnlyList<int> kept)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        mlp.Validate();
        var index = CheckIndices(kept, mlp.Width, mlp.Name);
        return mlp with
        {
            Up = Columns(mlp.Up, index),
            Gate = mlp.Gate is null ? null : Columns(mlp.Gate, index),
            Down = Rows(mlp.Down, index),
            UpBias = Select(mlp.UpBias, index),
            GateBias = Select(mlp.GateBias, index),
        };
    }

    /// <summary>Keeps heads <paramref name="keptHeads"/> (ascending) in every projection section and in the output rows.</summary>
    public static AttentionWeights Slice(AttentionWeights attention, IReadOnlyList<int> keptHeads)
    {
        ArgumentNullException.ThrowIfNull(attention);
        attention.Validate();
        var heads = CheckIndices(keptHeads, attention.HeadCount, attention.Name);
        var projections = new List<WeightMatrix>();
        var biases = new List<float[]?>();
        for (var p = 0; p < attention.Projections.Count; p++)
        {
            // Section-major order keeps a fused q|k|v layout fused: q of kept heads, then k, then v.
            var columns = Enumerable.Range(0, attention.Sections(p))
                .SelectMany(s => heads.SelectMany(h => Enumerable.Range(s * attention.HeadWidth + h * attention.HeadDim, attention.HeadDim)))
                .ToArray();
            projections.Add(Columns(attention.Projections[p], columns));
            biases.Add(Select(attention.ProjectionBiases?[p], columns));
        }
        var outputRows = heads.SelectMany(h => Enumerable.Range(h * attention.HeadDim, attention.HeadDim)).ToArray();
        return attention with
        {
            HeadCount = heads.Length,
            Projections = projections,
            ProjectionBiases = attention.ProjectionBiases is null ? null : biases,
            Output = Rows(attention.Output, outputRows),
        };
    }

    private static int[] CheckIndices(IReadOnlyList<int> kept, int units, string name)
    {
        ArgumentNullException.ThrowIfNull(kept);
        var index = kept.ToArray();
        var ascending = index.Zip(index.Skip(1)).All(p => p.First < p.Second);
        if (index.Length == 0 || !ascending || index[0] < 0 || index[^1] >= units)
        {
            throw new ArgumentException($"{name}: kept indices must be non-empty, strictly ascending and within 0…{units - 1}.", nameof(kept));
        }
        return index;
    }

    private static WeightMatrix Columns(WeightMatrix w, int[] columns)
    {
        var values = new float[(long)w.Rows * columns.Length];
        for (var i = 0; i < w.Rows; i++)
        {
            var source = w.Values.AsSpan(i * w.Columns, w.Columns);
            var target = values.AsSpan(i * columns.Length, columns.Length);
            for (var j = 0; j < columns.Length; j++)
            {
                target[j] = source[columns[j]];
            }
        }
        return new WeightMatrix(w.Rows, columns.Length, values);
    }

    private static WeightMatrix Rows(WeightMatrix w, int[] rows)
    {
        var values = new float[(long)rows.Length * w.Columns];
        for (var i = 0; i < rows.Length; i++)
        {
            w.Values.AsSpan(rows[i] * w.Columns, w.Columns).CopyTo(values.AsSpan(i * w.Columns, w.Columns));
        }
        return new WeightMatrix(rows.Length, w.Columns, values);
    }

    private static float[]? Select(float[]? values, int[] index) => values is null ? null : index.Select(i => values[i]).ToArray();
}
