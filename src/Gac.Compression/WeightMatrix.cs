namespace Gac.Compression;

/// <summary>
/// A dense linear weight in the ONNX MatMul convention Y = X·W: <see cref="Rows"/> = K = in_features,
/// <see cref="Columns"/> = N = out_features, <see cref="Values"/> row-major. The array is shared,
/// not copied (weights reach hundreds of MB); nothing in this library writes to it.
/// </summary>
public sealed class WeightMatrix
{
    public WeightMatrix(int rows, int columns, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * columns != values.Length)
        {
            throw new ArgumentException($"a {rows}×{columns} weight needs {(long)rows * columns} values, got {values.Length}.", nameof(values));
        }
        Rows = rows;
        Columns = columns;
        Values = values;
    }

    public int Rows { get; }

    public int Columns { get; }

    public float[] Values { get; }

    public float this[int row, int column] => Values[(long)row * Columns + column];

    public long Parameters => (long)Rows * Columns;
}
