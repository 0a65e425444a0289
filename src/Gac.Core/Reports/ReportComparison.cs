using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>
/// Several runs of one model side by side (compare.json): the original once, then each run's
/// unaligned and gac variants, with parameters, alignment, fidelity, latency and verdict. Built only
/// from reports of the same original model; budgets that differ by more than 1% are refused (or,
/// when allowed, carried as a warning) because a larger model is not a fair competitor.
/// </summary>
/// <param name="Buckets">Latency shape buckets every report measured, in the first report's order.</param>
/// <param name="PerplexityRecorded">Every run measured held-out perplexity; otherwise fidelity is relative L2 error.</param>
/// <param name="BudgetSpreadPercent">(largest − smallest budget) / smallest, in percent.</param>
/// <param name="Notes">Facts a reader needs to weigh the rows, e.g. the original's latency in each run.</param>
/// <param name="Warnings">Canonical diagnostic lines (GAC9103 when budgets differ and that was allowed).</param>
public sealed record ReportComparison(
    string Model,
    string? ModelHash,
    long OriginalLinearParameters,
    IReadOnlyList<ComparedReport> Reports,
    IReadOnlyList<string> Buckets,
    bool PerplexityRecorded,
    double BudgetSpreadPercent,
    IReadOnlyList<ComparisonRow> Rows,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Warnings)
{
    public const string CurrentSchemaVersion = "1";

    /// <summary>Budgets further apart than this (percent of the smaller) are not the same budget.</summary>
    public const double BudgetTolerancePercent = 1.0;

    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <exception cref="GacException">GAC9101 for a report without plan/compression, GAC9102 for
    /// different models, GAC9103 for budgets more than 1% apart unless <paramref name="allowBudgetMismatch"/>.</exception>
    public static ReportComparison Build(IReadOnlyList<(string Path, RunReport Report)> inputs, bool allowBudgetMismatch = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < 2)
        {
            throw new ArgumentException("a comparison needs two or more reports.", nameof(inputs));
        }

        var runs = inputs.Select(i => Run.From(i.Path, i.Report)).ToList();
        var first = runs[0];
        foreach (var other in runs.Skip(1))
        {
            RequireSameModel(first, other);
        }

        var warnings = new List<string>();
        var budgets = runs.Select(r => r.Plan.ParametersUnaligned).ToList();
        var spread = budgets.Min() > 0 ? 100.0 * (budgets.Max() - budgets.Min()) / budgets.Min() : 0;
        if (spread > BudgetTolerancePercent)
        {
            var list = string.Join(
                ", ",
                runs.Select(r => Invariant($"{System.IO.Path.GetFileName(r.Path)} ({r.Compression.Method}, ratio {r.Compression.Ratio:0.###}): {r.Plan.ParametersUnaligned:N0}")));
            var message = Invariant($"the compressors' parameter budgets differ by {spread:0.##}% (more than {BudgetTolerancePercent:0.#}%): {list}.");
            var diagnostic = new Diagnostic(
                DiagnosticCatalogue.ReportsAtDifferentBudgets,
                message,
                allowBudgetMismatch ? null : new SourceLocation(runs[^1].Path));
            if (!allowBudgetMismatch)
            {
                throw new GacException(diagnostic);
            }

            warnings.Add((diagnostic with { SeverityOverride = DiagnosticSeverity.Warning }).ToCanonicalString());
        }

        var buckets = first.Report.Latency.Select(l => l.Bucket).Where(b => runs.All(r => r.Report.Latency.Any(l => l.Bucket == b))).ToList();
        var perplexity = runs.All(r => r.Report.Fidelity?.PerplexityCandidate is not null && r.Report.FidelityUnaligned?.PerplexityCandidate is not null);
        var rows = new List<ComparisonRow> { Original(first, buckets) };
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (run, index) in runs.Select((r, i) => (r, i)))
        {
            var method = MethodLabel(run.Compression.Method);
            var aligner = run.Compression.Strategy == "gac" ? "GAC" : run.Compression.Strategy;
            var suffix = labels.Add(method) ? string.Empty : Invariant($" ({index + 1})");
            rows.Add(Unaligned(run, index, method + suffix, buckets));
            rows.Add(Aligned(run, index, $"{method} + {aligner}{suffix}", buckets));
        }

        return new ReportComparison(
            first.Compression.Model,
            first.Report.Inputs.Model,
            first.Plan.ParametersOriginal,
            runs.Select(r => new ComparedReport(
                r.Path, r.Compression.Method, r.Compression.Ratio, r.Compression.Strategy, r.Plan.Alignment, r.Plan.ParametersUnaligned, r.Report.Gate.Verdict, r.Report.Runtime.ProviderUsed)).ToList(),
            buckets,
            perplexity,
            Math.Round(spread, 4),
            rows,
            ReadingNotes(runs, buckets, warnings),
            warnings);
    }

    /// <summary>How a method reads in a table: the paper's names.</summary>
    public static string MethodLabel(string method) => method switch
    {
        "asvd" => "ASVD",
        "svd" => "SVD",
        _ => method,
    };

    private static ComparisonRow Original(Run run, IReadOnlyList<string> buckets)
        => new(
            "original", "original", 0, run.Plan.ParametersOriginal, null, null,
            run.Report.Fidelity?.PerplexityOriginal, 0, Latency(run, "original", buckets), null);

    private static ComparisonRow Unaligned(Run run, int index, string label, IReadOnlyList<string> buckets)
    {
        var compressed = run.Plan.Layers.Where(l => l.UnconstrainedIsAligned is not null).ToList();
        return new ComparisonRow(
            label, "unaligned", index, run.Plan.ParametersUnaligned, compressed.Count, compressed.Count(l => l.UnconstrainedIsAligned == true),
            run.Report.FidelityUnaligned?.PerplexityCandidate, run.Report.FidelityUnaligned?.RelativeL2Error, Latency(run, "unaligned", buckets), null);
    }

    private static ComparisonRow Aligned(Run run, int index, string label, IReadOnlyList<string> buckets)
    {
        var compressed = run.Plan.Layers.Where(l => l.Aligned < l.Original).ToList();
        return new ComparisonRow(
            label, "gac", index, run.Plan.ParametersAligned, compressed.Count, compressed.Count(l => l.IsAligned),
            run.Report.Fidelity?.PerplexityCandidate, run.Report.Fidelity?.RelativeL2Error, Latency(run, "gac", buckets), run.Report.Gate.Verdict);
    }

    private static List<RowLatency> Latency(Run run, string variant, IReadOnlyList<string> buckets)
        => buckets.Select(b => run.Report.Latency.First(l => l.Bucket == b)).SelectMany(section =>
            section.Variants.Where(v => v.Variant == variant).Take(1).Select(v => new RowLatency(
                section.Bucket, v.P50Ms, v.P50CiLowMs, v.P50CiHighMs,
                section.Speedups.FirstOrDefault(s => s.Candidate == variant && s.Baseline == "original")) { TokensPerSecond = section.TokensPerSecond(v) })).ToList();

    private static void RequireSameModel(Run first, Run other)
    {
        var a = first.Report.Inputs.Model;
        var b = other.Report.Inputs.Model;
        string? difference = null;
        if (a is not null && b is not null && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            difference = $"model SHA-256 {a[..Math.Min(12, a.Length)]}… vs {b[..Math.Min(12, b.Length)]}…";
        }
        else if ((a is null || b is null) && first.Compression.Model != other.Compression.Model)
        {
            difference = $"model '{first.Compression.Model}' vs '{other.Compression.Model}'";
        }
        else if (first.Plan.ParametersOriginal != other.Plan.ParametersOriginal)
        {
            difference = Invariant($"original linear parameters {first.Plan.ParametersOriginal:N0} vs {other.Plan.ParametersOriginal:N0}");
        }

        if (difference is not null)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ReportsOfDifferentModels,
                $"'{other.Path}' is not a report of the same model as '{first.Path}': {difference}.",
                new SourceLocation(other.Path));
        }
    }

    private static List<string> ReadingNotes(IReadOnlyList<Run> runs, IReadOnlyList<string> buckets, List<string> warnings)
    {
        var notes = new List<string>();
        foreach (var bucket in buckets)
        {
            var originals = runs.Select(r => r.Report.Latency.First(l => l.Bucket == bucket).Variants.FirstOrDefault(v => v.Variant == "original")?.P50Ms);
            notes.Add(Invariant($"Each run measured the original itself; its p50 at {bucket} was {string.Join(", ", originals.Select(p => p is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—"))} ms (the original row shows run 1). Speedups are against the same run's original, measured interleaved."));
        }

        if (runs.Select(r => r.Report.Runtime.ProviderUsed).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            warnings.Add(
                $"gac-build: warning: the runs used different execution providers ({string.Join(", ", runs.Select(r => r.Report.Runtime.ProviderUsed))}); "
                + "latencies are not comparable across them.");
        }

        if (runs.Select(r => r.Report.Inputs.Data).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
        {
            notes.Add("The runs read different calibration/held-out data (their data hashes differ); fidelity rows are measured on different samples.");
        }

        return notes;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A report with the sections a comparison needs, checked once.</summary>
    private sealed record Run(string Path, RunReport Report, PlanSummary Plan, CompressionSection Compression)
    {
        public static Run From(string path, RunReport report)
        {
            ArgumentNullException.ThrowIfNull(report);
            // Deserialized JSON can leave "non-nullable" members null when a file is not a run report.
            if (report.Plan is not { Layers: not null } plan || report.Compression is not { } compression
                || report.Inputs is null || report.Gate is null || report.Latency is null || report.Runtime is null)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.NotARunReport,
                    $"'{path}' has no plan or compression section; `gac-build compare` reads the gac.report.json that `gac-build run` writes.",
                    new SourceLocation(path));
            }

            return new Run(path, report, plan, compression);
        }
    }
}
