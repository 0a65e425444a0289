namespace Gac.Core.Planning;

/// <summary>
/// A multiple-choice knapsack: pick exactly one option per class, Σ weight ≤ budget, maximise Σ value.
/// Options are listed in tie-break preference order: on equal value the earlier option wins.
/// </summary>
public sealed record KnapsackInstance(IReadOnlyList<long[]> Weights, IReadOnlyList<double[]> Values, long Budget)
{
    public int Classes => Weights.Count;

    /// <summary>Σ of each class's lightest option: no plan can weigh less.</summary>
    public long MinimumWeight => Weights.Sum(w => w.Min());

    // Loops rather than LINQ: the planner calls these once per solve in a short-lived process, where
    // LINQ's value-type generic code costs milliseconds of JIT compilation on first use.
    public long WeightOf(IReadOnlyList<int> choices)
    {
        long total = 0;
        for (var i = 0; i < Classes; i++)
        {
            total += Weights[i][choices[i]];
        }

        return total;
    }

    public double ValueOf(IReadOnlyList<int> choices)
    {
        var total = 0.0;
        for (var i = 0; i < Classes; i++)
        {
            total += Values[i][choices[i]];
        }

        return total;
    }
}

/// <summary>
/// A solver's answer. <see cref="UpperBound"/> bounds the optimum from above when the solver is not
/// exact (Lagrangian / LP relaxation); <see cref="Gap"/> is then how far this plan can be from optimal.
/// </summary>
public sealed record KnapsackSolution(
    IReadOnlyList<int> Choices,
    double Value,
    long Weight,
    string Solver,
    bool ProvenOptimal,
    long Unit,
    long TableCells,
    double? UpperBound)
{
    public double? Gap => UpperBound is { } ub ? Math.Max(0, ub - Value) : null;
}
