using System.Text.Json;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Bundles;

/// <summary>
/// gac.bundle.json: what the compress stage hands to the validate stage. Files are listed with size
/// and SHA-256 (paths relative to the bundle, '/'-separated); the spec and the data files validation
/// reads are recorded by hash, not copied, because the validate job checks out the same commit.
/// </summary>
public sealed record BundleManifest(
    string Format,
    int Version,
    string ToolVersion,
    BundleSpec Spec,
    IReadOnlyList<BundleFile> Files,
    IReadOnlyList<BundleInput> Inputs,
    BundleVariants Variants,
    CandidatePlan Plan,
    IReadOnlyList<BundleWarning> Warnings)
{
    public const string FileName = "gac.bundle.json";
    public const string FormatName = "gac-candidate-bundle";
    public const int CurrentVersion = 1;

    public string Serialize() => ReportJson.Serialize(this);

    /// <summary>GAC1800 when the manifest is missing or is not a bundle manifest.</summary>
    public static BundleManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            var manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(path), ReportJson.Options);
            if (manifest?.Format != FormatName || manifest.Files is null || manifest.Variants is null || manifest.Plan is null || manifest.Spec is null)
            {
                throw new JsonException($"it is not a {FormatName} manifest");
            }

            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleUnreadable,
                $"'{folder}' is not a candidate bundle: cannot read {FileName} ({e.Message}).",
                new SourceLocation(path),
                e);
        }
    }
}

/// <param name="Path">The gac.yaml relative to the bundle folder ('/'-separated), where validate looks by default.</param>
public sealed record BundleSpec(string Path, string Sha256);

/// <summary>One file inside the bundle.</summary>
public sealed record BundleFile(string Path, long Bytes, string Sha256);

/// <summary>One data file the spec names, relative to the spec's folder.</summary>
public sealed record BundleInput(string Path, string Sha256);

/// <summary>Each variant's model file (relative to the bundle) and linear parameter count.</summary>
public sealed record BundleVariants(BundleVariant Original, BundleVariant Unaligned, BundleVariant Aligned);

public sealed record BundleVariant(string Name, string Path, long LinearParameters);

/// <summary>A warning of the compress stage, carried into the validate stage's report.</summary>
public sealed record BundleWarning(string Code, string Message, string? File, int Line, int Column, string Severity);
