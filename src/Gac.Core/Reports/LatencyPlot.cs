using System.Globalization;
using System.Xml.Linq;

namespace Gac.Core.Reports;

/// <summary>
/// A two-panel SVG drawn by hand (no plotting package, so it renders the same everywhere and has no
/// native dependency): left, every planned dimension before alignment (hollow grey circle, the
/// compressor's d*) and after (filled: green when a multiple of the alignment, red when not);
/// right, median latency of each variant with its bootstrap 95% CI as an error bar.
/// Each layer is one &lt;g class="layer"&gt; so tools and tests can count them.
/// </summary>
public static class LatencyPlot
{
    public const string FileName = "gac.plot.svg";
    private const double Width = 1000;
    private const double Height = 440;
    private const double Top = 62;
    private const double Bottom = 370;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] VariantColors = ["#7f7f7f", "#d62728", "#2ca02c", "#1f77b4"];

    public static XDocument Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var root = new XElement(
            Svg + "svg",
            new XAttribute("width", Width),
            new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "DejaVu Sans, Arial, sans-serif"),
            new XAttribute("font-size", 12),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")));
        root.Add(Text(Width / 2, 20, $"gac-build: {report.Gate.Verdict} on {report.Runtime.ProviderUsed}", 15, "middle", "bold"));
        root.Add(DimensionPanel(report.Plan, 70, 620));
        root.Add(LatencyPanel(report.Latency.Count > 0 ? report.Latency[0] : null, 730, 980));
        return new XDocument(root);
    }

    private static XElement DimensionPanel(PlanSummary? plan, double left, double right)
    {
        var panel = new XElement(Svg + "g", new XAttribute("class", "dimensions"));
        var title = plan is null
            ? "Per-layer dimension (no plan)"
            : Invariant($"Per-layer dimension: {plan.AlignedPercentBefore:0.#}% → {plan.AlignedPercentAfter:0.#}% multiples of {plan.Alignment}");
        panel.Add(Text((left + right) / 2, Top - 12, title, 13, "middle", "bold"));
        var layers = plan?.Layers ?? [];
        var max = layers.Count == 0 ? 1 : layers.Max(l => Math.Max(l.Unconstrained, l.Aligned));
        var scale = new Axis(0, NiceCeiling(max * 1.05));
        panel.Add(YAxis(scale, left, right, "dimension"));
        var step = (right - left) / Math.Max(layers.Count, 1);
        var radius = Math.Clamp(step * 0.35, 1.5, 5);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var x = left + step * (i + 0.5);
            var yBefore = scale.Map(layer.Unconstrained);
            var yAfter = scale.Map(layer.Aligned);
            var color = layer.IsAligned ? "#2ca02c" : "#d62728";
            panel.Add(new XElement(
                Svg + "g",
                new XAttribute("class", "layer"),
                new XElement(
                    Svg + "title",
                    Invariant($"{layer.Name}: {layer.Unconstrained:0.##} → {layer.Aligned} ({(layer.IsAligned ? "aligned" : "misaligned")})")),
                Line(x, yBefore, x, yAfter, "#bbbbbb", 1),
                Circle(x, yAfter, radius, color, color),
                // Drawn last and larger: d* and the aligned width are usually a few units apart, so the
                // ring stays visible around the dot instead of hiding behind it.
                Circle(x, yBefore, radius + 1.5, "none", "#555555")));
        }

        var legendY = Bottom + 40;
        panel.Add(Circle(left + 10, legendY, 5.5, "none", "#555555"), Text(left + 20, legendY + 4, "before alignment (d*)", 11, "start"));
        panel.Add(Circle(left + 180, legendY, 4, "#2ca02c", "#2ca02c"), Text(left + 190, legendY + 4, "after, aligned", 11, "start"));
        panel.Add(Circle(left + 300, legendY, 4, "#d62728", "#d62728"), Text(left + 310, legendY + 4, "after, misaligned", 11, "start"));
        panel.Add(Text((left + right) / 2, Bottom + 20, $"layer (planning order, {layers.Count} total)", 11, "middle"));
        return panel;
    }

    private static XElement LatencyPanel(LatencySection? section, double left, double right)
    {
        var panel = new XElement(Svg + "g", new XAttribute("class", "latency"));
        panel.Add(Text((left + right) / 2, Top - 12, section is null ? "Latency (not measured)" : $"p50 latency, {section.Bucket}", 13, "middle", "bold"));
        var variants = section?.Variants ?? [];
        var max = variants.Count == 0 ? 1 : variants.Max(v => Math.Max(v.P50CiHighMs, v.P50Ms));
        var scale = new Axis(0, NiceCeiling(max * 1.1));
        panel.Add(YAxis(scale, left, right, "ms"));
        var slot = (right - left) / Math.Max(variants.Count, 1);
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var x = left + slot * i + slot * 0.2;
            var barWidth = slot * 0.6;
            var center = x + barWidth / 2;
            var color = VariantColors[i % VariantColors.Length];
            var y = scale.Map(v.P50Ms);
            panel.Add(new XElement(
                Svg + "g",
                new XAttribute("class", "variant"),
                new XElement(Svg + "title", Invariant($"{v.Variant}: p50 {v.P50Ms:0.000} ms, 95% CI [{v.P50CiLowMs:0.000}, {v.P50CiHighMs:0.000}]")),
                Element("rect", ("x", F(x)), ("y", F(y)), ("width", F(barWidth)), ("height", F(Bottom - y)), ("fill", color), ("fill-opacity", 0.8)),
                Line(center, scale.Map(v.P50CiLowMs), center, scale.Map(v.P50CiHighMs), "black", 1.5),
                Line(center - 6, scale.Map(v.P50CiLowMs), center + 6, scale.Map(v.P50CiLowMs), "black", 1.5),
                Line(center - 6, scale.Map(v.P50CiHighMs), center + 6, scale.Map(v.P50CiHighMs), "black", 1.5),
                Text(center, Bottom + 16, v.Variant, 11, "middle"),
                Text(center, scale.Map(v.P50CiHighMs) - 5, Invariant($"{v.P50Ms:0.###}"), 10, "middle")));
        }

        panel.Add(Text((left + right) / 2, Bottom + 40, "bars: median; whiskers: bootstrap 95% CI", 10, "middle"));
        return panel;
    }

    private static XElement YAxis(Axis scale, double left, double right, string label)
    {
        var axis = new XElement(Svg + "g", new XAttribute("class", "axis"));
        axis.Add(Line(left, Top, left, Bottom, "black", 1), Line(left, Bottom, right, Bottom, "black", 1));
        const int ticks = 5;
        for (var t = 0; t <= ticks; t++)
        {
            var value = scale.Max * t / ticks;
            var y = scale.Map(value);
            axis.Add(
                Line(left, y, right, y, "#eeeeee", 1),
                Line(left - 4, y, left, y, "black", 1),
                Text(left - 6, y + 4, Invariant($"{value:0.###}"), 10, "end"));
        }

        axis.Add(new XElement(
            Svg + "text",
            new XAttribute("transform", Invariant($"translate({left - 48},{(Top + Bottom) / 2}) rotate(-90)")),
            new XAttribute("text-anchor", "middle"),
            new XAttribute("font-size", 11),
            label));
        return axis;
    }

    /// <summary>Rounds up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k: short tick labels, little empty space.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var factor in new[] { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 })
        {
            if (factor * magnitude >= value)
            {
                return factor * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width)
        => Element("line", ("x1", F(x1)), ("y1", F(y1)), ("x2", F(x2)), ("y2", F(y2)), ("stroke", stroke), ("stroke-width", F(width)));

    private static XElement Circle(double cx, double cy, double r, string fill, string stroke)
        => Element("circle", ("cx", F(cx)), ("cy", F(cy)), ("r", F(r)), ("fill", fill), ("stroke", stroke), ("stroke-width", 1.2));

    private static XElement Text(double x, double y, string content, double size, string anchor, string weight = "normal")
    {
        var text = Element("text", ("x", F(x)), ("y", F(y)), ("font-size", F(size)), ("text-anchor", anchor), ("font-weight", weight));
        text.Add(content);
        return text;
    }

    /// <summary>An SVG element with its attributes in the given order.</summary>
    private static XElement Element(string name, params (string Name, object Value)[] attributes)
        => new(Svg + name, attributes.Select(a => new XAttribute(a.Name, a.Value)));

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Axis(double Min, double Max)
    {
        public double Map(double value) => Bottom - (Math.Clamp(value, Min, Max) - Min) / (Max - Min) * (Bottom - Top);
    }
}
