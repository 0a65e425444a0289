using System.Globalization;
using System.Text;

namespace Gac.Core.Planning;

/// <summary>Renders a <see cref="PlanReport"/> for people: an 80-column table, totals, baselines.</summary>
public static class PlanTextRenderer
{
    public const int Width = 80;

    private const int IdWidth = 28;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The whole report; <paramref name="maxDecisions"/> limits the per-decision table (null: all).</summary>
    public static string Render(PlanReport report, int? maxDecisions = null)
    {
        var text = new StringBuilder();
        var s = report.Settings;
        Line(text, $"Plan {report.Problem}");
        Line(text, $"objective {s.Objective} ({(s.ObjectiveMinimizes ? "minimize" : "maximize")}), profile {s.Profile}, multiple of {s.Multiple}, window " +
            $"±{s.WindowSteps}");
        var solver = report.Solver;
        var proof = solver.ProvenOptimal ? "proven optimal" : $"gap ≤ {solver.Gap:G4}";
        Line(text, $"solver {solver.Name}: {proof}, {solver.ElapsedMs:0.0} ms, unit {solver.Unit:N0}, {solver.TableCells:N0} cells");
        text.AppendLine();

        Line(text, $"{"decision",-IdWidth} {"kind",-4} {"d*",9} {"chosen",7} {"Δ",5} {"state",-5} {"params",14}");
        text.AppendLine(new string('-', Width - 2));
        var shown = maxDecisions is { } m ? report.Decisions.Take(m) : report.Decisions;
        foreach (var d in shown)
        {
            var chosen = d.ChosenIsDense ? "dense" : d.Chosen.ToString(Inv);
            var delta = d.ChosenIsDense ? string.Empty : d.Delta.ToString("+0;-0;0", Inv);
            Line(text, $"{Fit(d.Id),-IdWidth} {KindLabel(d.Kind),-4} {d.Target,9:0.##} {chosen,7} {delta,5} {StateLabel(d.Status),-5} {d.Params,14:N0}");
        }

        if (maxDecisions is { } max && report.Decisions.Count > max)
        {
            Line(text, $"... {report.Decisions.Count - max} more decision(s) (use --format json for all)");
        }

        text.AppendLine();
        var t = report.Totals;
        Line(text, $"params    {t.PlannedParams:N0} planned, budget {t.Budget:N0}, slack {t.BudgetSlack:N0}");
        Line(text, $"          dense {t.DenseParams:N0}, unconstrained targets {t.TargetParams:N0}");
        Line(text, $"aligned   {t.AlignedPercentBefore:0.0}% before -> {t.AlignedPercentAfter:0.0}% after ({t.Decisions} decisions)");
        Line(text, $"objective {t.ObjectiveValue:G6}");
        text.AppendLine();

        Line(text, "baselines on the same problem");
        Line(text, $"{"name",-14} {"params",15} {"vs budget",15} {"aligned",8} {"objective",12}");
        text.AppendLine(new string('-', Width - 2));
        Line(text, $"{"gac",-14} {t.PlannedParams,15:N0} {-t.BudgetSlack,15:+#,0;-#,0;0} {t.AlignedPercentAfter,7:0.0}% {t.ObjectiveValue,12:G6}");
        foreach (var b in report.Baselines)
        {
            Line(text, $"{b.Name,-14} {b.Params,15:N0} {b.BudgetOvershoot,15:+#,0;-#,0;0} {b.AlignedPercent,7:0.0}% {b.ObjectiveValue,12:G6}");
        }

        foreach (var b in report.Baselines)
        {
            Line(text, $"  {b.Name}: like {b.LikeTools}");
        }

        foreach (var diagnostic in report.Diagnostics)
        {
            Line(text, diagnostic);
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString line) => Line(text, line.ToString(Inv));

    /// <summary>Wraps at word boundaries so no line exceeds <see cref="Width"/> columns.</summary>
    private static void Line(StringBuilder text, string line)
    {
        while (line.Length > Width)
        {
            var cut = line.LastIndexOf(' ', Width - 1);
            cut = cut <= 4 ? Width : cut;
            text.AppendLine(line[..cut].TrimEnd());
            line = "    " + line[cut..].TrimStart();
        }

        text.AppendLine(line);
    }

    /// <summary>Keeps the tail of long ids: "layers.31.self_attn.q_proj" says more than "model.layers.3".</summary>
    private static string Fit(string id) => id.Length <= IdWidth ? id : "…" + id[^(IdWidth - 1)..];

    private static string KindLabel(DecisionKind kind) => kind switch
    {
        DecisionKind.LowRank => "rank",
        DecisionKind.MlpChannels => "mlp",
        _ => "head",
    };

    private static string StateLabel(AlignmentStatus status) => status switch
    {
        AlignmentStatus.Aligned => "ok",
        AlignmentStatus.Misaligned => "MIS",
        _ => "dense",
    };
}
