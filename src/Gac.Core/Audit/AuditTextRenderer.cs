using System.Globalization;
using System.Text;
using Gac.Core.Model;

namespace Gac.Core.Audit;

/// <summary>
/// The audit as text for a terminal: a per-layer table, a per-group table and a totals block, every
/// line at most <see cref="MaxWidth"/> characters (the classic 80-column terminal; long layer names
/// keep their start and end around an ellipsis, since both the block and the projection matter).
/// </summary>
public static class AuditTextRenderer
{
    public const int MaxWidth = 80;

    private const string Ellipsis = "…";

    public static string Render(AuditReport report)
    {
        var text = new StringBuilder();
        AppendLayers(text, report);
        if (report.Groups.Count > 0)
        {
            text.AppendLine();
            AppendGroups(text, report);
        }

        text.AppendLine();
        AppendTotals(text, report);
        return text.ToString();
    }

    /// <summary>Shortens <paramref name="text"/> to <paramref name="width"/> characters by cutting out its middle.</summary>
    public static string TruncateMiddle(string text, int width)
    {
        if (text.Length <= width)
        {
            return text;
        }

        if (width <= Ellipsis.Length)
        {
            return text[..Math.Max(width, 0)];
        }

        var keep = width - Ellipsis.Length;
        var head = (keep + 1) / 2;
        return string.Concat(text.AsSpan(0, head), Ellipsis, text.AsSpan(text.Length - (keep - head)));
    }

    private static void AppendLayers(StringBuilder text, AuditReport report)
    {
        string[] header = ["Layer", "Group", "Role", "K", "N", "Misaligned"];
        var rows = report.Layers.Select(l => new[]
        {
            l.Name,
            l.Group ?? "-",
            RoleLabel(l.Role),
            Number(l.InFeatures),
            Number(l.OutFeatures),
            l.MisalignedDimensions.Count == 0 ? "-" : string.Join(",", l.MisalignedDimensions),
        }).ToList();
        AppendTable(text, header, rows, flexible: [0, 1], rightAligned: [3, 4]);
    }

    private static void AppendGroups(StringBuilder text, AuditReport report)
    {
        string[] header = ["Group", "Kind", "Width", "Heads", "Head dim", "Misaligned"];
        var rows = report.Groups.Select(g =>
        {
            var misaligned = new List<string>();
            if (!g.CoupledWidthAligned)
            {
                misaligned.Add("width");
            }

            if (g.HeadDimAligned == false)
            {
                misaligned.Add("head_dim");
            }

            return new[]
            {
                g.Name,
                g.Kind == GroupKind.Attention ? "attention" : "mlp",
                Number(g.CoupledWidth),
                g.HeadCount is { } h ? Number(h) : "-",
                g.HeadDim is { } d ? Number(d) : "-",
                misaligned.Count == 0 ? "-" : string.Join(",", misaligned),
            };
        }).ToList();
        AppendTable(text, header, rows, flexible: [0], rightAligned: [2, 3, 4]);
    }

    private static void AppendTotals(StringBuilder text, AuditReport report)
    {
        var t = report.Totals;
        var lines = new[]
        {
            ("Profile", $"{report.Profile} (dimensions multiple of {report.Multiple})"),
            ("Linear layers", $"{t.Layers:N0} ({t.MisalignedLayers:N0} with a misaligned dimension)"),
            ("Linear parameters", $"{t.LinearParameters:N0}"),
            ("Dimensions aligned", $"{t.AlignedDimensions:N0} of {t.Dimensions:N0} K/N ({t.AlignedDimensionPercent:F1}%)"),
            ("FLOPs misaligned", $"{t.MisalignedFlopPercent:F1}% of linear FLOPs in GEMMs with a misaligned dimension"),
        };
        var labelWidth = lines.Max(l => l.Item1.Length) + 1;
        foreach (var (label, value) in lines)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{(label + ":").PadRight(labelWidth)} {value}");
            text.AppendLine(line.Length <= MaxWidth ? line : line[..(MaxWidth - 1)] + Ellipsis);
        }
    }

    /// <summary>
    /// Lays out columns separated by two spaces; the flexible columns (names) share whatever width
    /// the fixed ones leave and are middle-truncated to fit.
    /// </summary>
    private static void AppendTable(StringBuilder text, string[] header, List<string[]> rows, int[] flexible, int[] rightAligned)
    {
        const string Gap = "  ";
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var fixedWidth = widths.Where((_, i) => !flexible.Contains(i)).Sum() + Gap.Length * (header.Length - 1);
        var available = MaxWidth - fixedWidth;
        // Split the remaining width between flexible columns, the first (layer or group name) getting 60 %.
        var shares = flexible.Length == 1 ? new[] { available } : new[] { available * 3 / 5, available - available * 3 / 5 };
        for (var f = 0; f < flexible.Length; f++)
        {
            widths[flexible[f]] = Math.Clamp(widths[flexible[f]], Math.Min(header[flexible[f]].Length, shares[f]), Math.Max(shares[f], 4));
        }

        // Give width a short flexible column does not need to the other one.
        if (flexible.Length == 2)
        {
            var spare = available - widths[flexible[0]] - widths[flexible[1]];
            var first = rows.Count == 0 ? 0 : rows.Max(r => r[flexible[0]].Length);
            widths[flexible[0]] = Math.Max(widths[flexible[0]], Math.Min(first, widths[flexible[0]] + spare));
        }

        void Row(string[] cells)
        {
            var parts = cells.Select((cell, i) =>
            {
                var fitted = TruncateMiddle(cell, widths[i]);
                return rightAligned.Contains(i) ? fitted.PadLeft(widths[i]) : fitted.PadRight(widths[i]);
            });
            var line = string.Join(Gap, parts).TrimEnd();
            text.AppendLine(line.Length <= MaxWidth ? line : TruncateMiddle(line, MaxWidth));
        }

        Row(header);
        text.AppendLine(new string('-', Math.Min(MaxWidth, widths.Sum() + Gap.Length * (widths.Length - 1))));
        foreach (var row in rows)
        {
            Row(row);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RoleLabel(LinearRole role) => role switch
    {
        LinearRole.Query => "q",
        LinearRole.Key => "k",
        LinearRole.Value => "v",
        LinearRole.QkvFused => "qkv",
        LinearRole.AttentionOutput => "o",
        LinearRole.MlpGate => "gate",
        LinearRole.MlpUp => "up",
        LinearRole.MlpDown => "down",
        LinearRole.Pooler => "pooler",
        _ => "-",
    };
}
