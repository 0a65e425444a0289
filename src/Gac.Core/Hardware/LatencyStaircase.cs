using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Hardware;

/// <summary>One measured latency: the GEMM pair of a decision at dimension d.</summary>
public sealed record LatencyPoint(long Dimension, double Milliseconds);

/// <summary>Latencies of one GEMM shape (key "KxN", e.g. "4096x14336") over the swept dimension.</summary>
public sealed record LatencySeries(string Key, IReadOnlyList<LatencyPoint> Points)
{
    public double? At(long dimension)
    {
        foreach (var p in Points)
        {
            if (p.Dimension == dimension)
            {
                return p.Milliseconds;
            }
        }

        return null;
    }
}

/// <summary>
/// Measured latency per dimension at one token count on one device and dtype, written by
/// <c>gac-build profile</c>. Among aligned dims latency still steps (FlashAttention templates,
/// wave quantization: M 1728→1729 costs +30% on A100, GAC paper §3), so a fixed "multiple of 8"
/// rule misses cliffs that a measurement shows (GAC-METHOD §4).
/// </summary>
public sealed record LatencyStaircase(string Device, string DType, int Tokens, IReadOnlyList<LatencySeries> Series)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public LatencySeries? Find(string key)
        => Series.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LatencyStaircase FromJson(string json, string source = "latency staircase")
    {
        LatencyStaircase? staircase;
        try
        {
            staircase = JsonSerializer.Deserialize<LatencyStaircase>(json, Json);
        }
        catch (JsonException e)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LatencyStaircaseInvalid,
                $"The latency staircase is not valid JSON: {e.Message}",
                InputFile.JsonErrorLocation(source, e),
                e);
        }

        if (staircase?.Series is null || staircase.Device is null)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LatencyStaircaseInvalid,
                "The latency staircase needs 'device' and 'series'.",
                new SourceLocation(source));
        }

        var bad = staircase.Series.SelectMany(s => (s.Points ?? []).Select(p => (s.Key, p)))
            .FirstOrDefault(x => x.p.Dimension <= 0 || !double.IsFinite(x.p.Milliseconds) || x.p.Milliseconds <= 0);
        if (bad.p is not null || staircase.Series.Any(s => s.Key is null || s.Points is null))
        {
            throw GacException.Create(
                DiagnosticCatalogue.LatencyStaircaseInvalid,
                $"Every series needs a key and points with positive dimension and latency (series '{bad.Key}', point {bad.p}).",
                new SourceLocation(source));
        }

        return staircase;
    }

    public static LatencyStaircase Load(string path)
        => FromJson(InputFile.ReadAllText(path, DiagnosticCatalogue.LatencyStaircaseInvalid, "the latency staircase"), path);
}
