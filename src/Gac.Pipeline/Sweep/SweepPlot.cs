using System.Globalization;
using Gac.Core.Sweep;
using ScottPlot;

namespace Gac.Pipeline.Sweep;

/// <summary>
/// gac.sweep.png, two panels drawn with ScottPlot: quality against median latency (left) and
/// against linear parameters (right). Unaligned variants are grey circles, aligned ones green
/// squares, the original a black diamond; each Pareto front is a dashed line through its variants;
/// every point is labelled with its ratio, and the recommended variant is ringed in blue.
/// </summary>
internal static class SweepPlot
{
    public const string FileName = "gac.sweep.png";
    private const int Width = 1300;
    private const int Height = 560;

    public static void Save(SweepReport report, string path)
    {
        var plots = new Multiplot();
        plots.AddPlots(2);
        plots.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var quality = $"{report.Quality.Metric} ({(report.Quality.HigherIsBetter ? "higher" : "lower")} is better)";
        Panel(plots.GetPlot(0), report, v => v.P50Ms, report.Original.P50Ms, v => v.ParetoQualityLatency, "median latency, ms (" + report.Provider + ")", quality);
        Panel(plots.GetPlot(1), report, v => v.LinearParameters, report.Original.LinearParameters, v => v.ParetoQualityParameters, "linear parameters", quality);
        plots.GetPlot(0).Title($"{report.Model}: {report.Method} + {report.Strategy}, quality vs latency");
        plots.GetPlot(1).Title("quality vs size");
        plots.SavePng(path, Width, Height);
    }

    private static void Panel(
        Plot plot, SweepReport report, Func<SweepVariant, double> cost, double originalCost, Func<SweepVariant, bool> onFront, string xLabel, string yLabel)
    {
        Series(plot, report, p => p.Unaligned, cost, "unaligned", Colors.Gray, MarkerShape.FilledCircle);
        Series(plot, report, p => p.Aligned, cost, report.Strategy, Colors.Green, MarkerShape.FilledSquare);

        var front = report.Variants().Where(onFront).OrderBy(cost).ToList();
        if (front.Count > 1)
        {
            var line = plot.Add.ScatterLine(front.Select(cost).ToArray(), front.Select(v => v.Quality).ToArray());
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 1.5f;
            line.Color = Colors.DarkOrange;
            line.LegendText = "Pareto front";
        }

        var original = plot.Add.ScatterPoints(new[] { originalCost }, new[] { report.Original.Quality });
        original.MarkerShape = MarkerShape.FilledDiamond;
        original.MarkerSize = 11;
        original.Color = Colors.Black;
        original.LegendText = "original";

        if (report.Points.FirstOrDefault(p => p.Ratio == report.Recommendation.SmallestRatio) is { } recommended)
        {
            var ring = plot.Add.ScatterPoints(new[] { cost(recommended.Aligned) }, new[] { recommended.Aligned.Quality });
            ring.MarkerShape = MarkerShape.OpenCircle;
            ring.MarkerSize = 22;
            ring.MarkerLineWidth = 2;
            ring.Color = Colors.Blue;
            ring.LegendText = "recommended";
        }

        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
    }

    private static void Series(
        Plot plot, SweepReport report, Func<SweepPoint, SweepVariant> pick, Func<SweepVariant, double> cost, string name, Color color, MarkerShape shape)
    {
        var xs = report.Points.Select(p => cost(pick(p))).ToArray();
        var ys = report.Points.Select(p => pick(p).Quality).ToArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerShape = shape;
        points.MarkerSize = 9;
        points.Color = color;
        points.LegendText = name;
        foreach (var p in report.Points)
        {
            var label = plot.Add.Text(p.Ratio.ToString("0.###", CultureInfo.InvariantCulture), cost(pick(p)), pick(p).Quality);
            label.LabelFontSize = 11;
            label.LabelFontColor = color;
            label.LabelOffsetX = 6;
        }
    }
}
