using System.Text.Json.Serialization;

namespace Gac.Core.Planning;

/// <summary>How existing tools turn d* into a dimension (GAC-METHOD §3); kept as named baselines.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RoundingRule>))]
public enum RoundingRule
{
    /// <summary>d* truncated to an integer, as the compressor emits it.</summary>
    None,

    /// <summary>Up to the next multiple, after the budget was computed: overshoots it.</summary>
    RoundUp,

    /// <summary>To the nearest multiple (ties up).</summary>
    RoundNearest,

    /// <summary>Down to the previous multiple (at least one step).</summary>
    RoundDown,
}

/// <summary>A baseline's dimension for one decision.</summary>
public sealed record BaselineChoice(long Dimension, bool IsDense, long Parameters);

public static class RoundingBaseline
{
    public static IReadOnlyList<RoundingRule> All { get; } =
        [RoundingRule.None, RoundingRule.RoundUp, RoundingRule.RoundNearest, RoundingRule.RoundDown];

    public static string NameOf(RoundingRule rule) => rule switch
    {
        RoundingRule.None => "none",
        RoundingRule.RoundUp => "round-up",
        RoundingRule.RoundNearest => "round-nearest",
        _ => "round-down",
    };

    /// <summary>Which published tools behave like the rule (GAC-METHOD §3).</summary>
    public static string ToolsLike(RoundingRule rule) => rule switch
    {
        RoundingRule.None => "ASVD, SVD-LLM, LLM-Pruner as published (r = floor(p·m·n/(m+n)))",
        RoundingRule.RoundUp => "ASVD rank_align (rounds ranks up after the budget is set)",
        RoundingRule.RoundNearest => "PaLU (nearest multiple of 32), NVIDIA ModelOpt (32/64)",
        _ => "Torch-Pruning round_to, Olive SliceGPT round_interval",
    };

    /// <summary>
    /// The rule applied to one decision with alignment step <paramref name="step"/> (in units of d).
    /// A decision whose target is dense stays dense, as the tools leave such layers untouched.
    /// </summary>
    public static BaselineChoice Apply(PlanningDecision decision, RoundingRule rule, long step)
    {
        if (decision.TargetIsDense)
        {
            return new BaselineChoice(decision.MaxDimension, true, decision.DenseParams);
        }

        // 1e-9 absorbs float noise in d* (e.g. 1023.9999999 from p·m·n/(m+n)).
        var t = decision.Target;
        var d = rule switch
        {
            RoundingRule.None => (long)Math.Floor(t + 1e-9),
            RoundingRule.RoundUp => (long)Math.Ceiling((t / step) - 1e-9) * step,
            RoundingRule.RoundNearest => (long)Math.Floor((t / step) + 0.5) * step,
            _ => (long)Math.Floor((t / step) + 1e-9) * step,
        };
        var floor = rule == RoundingRule.None ? 1 : step;
        d = Math.Clamp(d, floor, Math.Max(floor, decision.MaxDimension));
        if (d >= decision.MaxDimension && decision.Kind != DecisionKind.LowRank)
        {
            return new BaselineChoice(decision.MaxDimension, true, decision.DenseParams);
        }

        return new BaselineChoice(d, false, decision.ParamsAt(d));
    }
}
