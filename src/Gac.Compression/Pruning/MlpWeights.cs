namespace Gac.Compression.Pruning;

/// <summary>
/// One MLP's weights in [in, out] storage. Intermediate channel j is column j of Up (and Gate) and row j
/// of Down: pruning it removes all three together (GAC-METHOD §1, coupled dimension).
/// </summary>
/// <param name="Gate">SwiGLU/GeGLU gate; null for a plain fc1→act→fc2 MLP (Up is then fc1, Down fc2).</param>
public sealed record MlpWeights(
    string Name,
    int Block,
    WeightMatrix Up,
    WeightMatrix Down,
    WeightMatrix? Gate = null,
    float[]? UpBias = null,
    float[]? GateBias = null,
    float[]? DownBias = null)
{
    public int Hidden => Up.Rows;

    public int Width => Up.Columns;

    /// <summary>Throws when the members do not share the intermediate width and hidden size.</summary>
    public void Validate()
    {
        var ok = Down.Rows == Width
            && (Gate is null || (Gate.Rows == Hidden && Gate.Columns == Width))
            && (UpBias is null || UpBias.Length == Width)
            && (GateBias is null || (Gate is not null && GateBias.Length == Width))
            && (DownBias is null || DownBias.Length == Down.Columns);
        if (!ok)
        {
            throw new ArgumentException(
                $"{Name}: up {Up.Rows}×{Up.Columns}, gate {Gate?.Rows}×{Gate?.Columns}, down {Down.Rows}×{Down.Columns} and the biases do not share one "
                + "intermediate width.");
        }
    }

    /// <summary>All weights and biases that belong to one intermediate channel.</summary>
    public long ParametersPerChannel => Hidden + (Gate is null ? 0 : Hidden) + Down.Columns + (UpBias is null ? 0 : 1) + (GateBias is null ? 0 : 1);

    /// <summary>Parameters the channel count does not change (the output bias).</summary>
    public long FixedParameters => DownBias?.Length ?? 0;
}
