using Gac.Compression.Planning;
using Gac.Core.Calibration;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Pruning;

/// <summary>
/// Gradient-free group importance: Σ |w|·‖x_in‖ over every weight of the group, ‖x_in‖ the L2 norm
/// over calibration tokens of the input channel that weight multiplies (Wanda, Sun et al. 2023, eq. 1,
/// summed over a coupled group as LLM-Pruner sums its Taylor scores). Plain C#: one pass over each
/// weight, no native memory.
/// </summary>
public static class StructuredImportance
{
    /// <param name="input">Statistics of the MLP input (hidden width; feeds up and gate).</param>
    /// <param name="intermediate">Statistics of Down's input (intermediate width).</param>
    public static GroupImportance MlpChannels(MlpWeights mlp, ActivationStatistics input, ActivationStatistics intermediate)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        mlp.Validate();
        RequireWidth(mlp.Name, input, mlp.Hidden);
        RequireWidth(mlp.Name, intermediate, mlp.Width);
        var inputNorm = input.Norm();
        var scores = new double[mlp.Width];
        AddColumnScores(mlp.Up, inputNorm, scores, Enumerable.Range(0, mlp.Width).ToArray());
        if (mlp.Gate is not null)
        {
            AddColumnScores(mlp.Gate, inputNorm, scores, Enumerable.Range(0, mlp.Width).ToArray());
        }
        var hiddenNorm = intermediate.Norm();
        for (var j = 0; j < mlp.Width; j++)
        {
            scores[j] += RowAbsSum(mlp.Down, j) * hiddenNorm[j];
        }
        return new GroupImportance(mlp.Name, TargetKind.MlpChannels, mlp.Block, scores, mlp.ParametersPerChannel, mlp.FixedParameters);
    }

    /// <param name="input">Statistics of the attention input (feeds q/k/v).</param>
    /// <param name="outputInput">Statistics of the output projection's input (heads × head_dim wide).</param>
    public static GroupImportance Heads(AttentionWeights attention, ActivationStatistics input, ActivationStatistics outputInput)
    {
        ArgumentNullException.ThrowIfNull(attention);
        attention.Validate();
        RequireWidth(attention.Name, input, attention.Projections[0].Rows);
        RequireWidth(attention.Name, outputInput, attention.HeadWidth);
        var inputNorm = input.Norm();
        var outputNorm = outputInput.Norm();
        var scores = new double[attention.HeadCount];
        for (var h = 0; h < attention.HeadCount; h++)
        {
            for (var p = 0; p < attention.Projections.Count; p++)
            {
                var columns = attention.HeadColumns(p, h).ToArray();
                var perColumn = new double[attention.Projections[p].Columns];
                AddColumnScores(attention.Projections[p], inputNorm, perColumn, columns);
                scores[h] += columns.Sum(c => perColumn[c]);
            }
            for (var t = 0; t < attention.HeadDim; t++)
            {
                var row = h * attention.HeadDim + t;
                scores[h] += RowAbsSum(attention.Output, row) * outputNorm[row];
            }
        }
        return new GroupImportance(attention.Name, TargetKind.AttentionHeads, attention.Block, scores, attention.ParametersPerHead, attention.FixedParameters);
    }

    /// <summary>scores[c] += Σ_i |W[i,c]|·norm[i] for the listed columns (row-major walk for locality).</summary>
    private static void AddColumnScores(WeightMatrix w, double[] rowNorm, double[] scores, int[] columns)
    {
        for (var i = 0; i < w.Rows; i++)
        {
            var row = w.Values.AsSpan(i * w.Columns, w.Columns);
            var n = rowNorm[i];
            foreach (var c in columns)
            {
                scores[c] += Math.Abs(row[c]) * n;
            }
        }
    }

    private static double RowAbsSum(WeightMatrix w, int row)
    {
        double sum = 0;
        foreach (var v in w.Values.AsSpan(row * w.Columns, w.Columns))
        {
            sum += Math.Abs(v);
        }
        return sum;
    }

    private static void RequireWidth(string name, ActivationStatistics statistics, int width)
    {
        if (statistics.Channels != width)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationShapeMismatch,
                $"{name}: calibration statistics have {statistics.Channels} channels where the weight has {width} inputs.");
        }
    }
}
