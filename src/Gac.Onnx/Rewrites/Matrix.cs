namespace Gac.Onnx.Rewrites;

/// <summary>Row-major float matrices: the few reshuffles the rewrites need (no arithmetic).</summary>
internal static class Matrix
{
    public static float[] Transpose(float[] values, long rows, long columns)
    {
        var result = new float[values.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }

    public static float[] KeepColumns(float[] values, long rows, long columns, IReadOnlyList<long> keep)
    {
        var result = new float[rows * keep.Count];
        for (long r = 0; r < rows; r++)
        {
            for (var j = 0; j < keep.Count; j++)
            {
                result[r * keep.Count + j] = values[r * columns + keep[j]];
            }
        }

        return result;
    }

    public static float[] KeepRows(float[] values, long columns, IReadOnlyList<long> keep)
    {
        var result = new float[keep.Count * columns];
        for (var i = 0; i < keep.Count; i++)
        {
            Array.Copy(values, keep[i] * columns, result, i * columns, columns);
        }

        return result;
    }
}
