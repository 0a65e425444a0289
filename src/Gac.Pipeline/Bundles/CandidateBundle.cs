using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Bundles;

/// <summary>A bundle read back and checked: the spec it belongs to, the candidate, the compress stage's warnings.</summary>
/// <param name="Files">Every file of the bundle (absolute), which no output may replace.</param>
public sealed record OpenedBundle(GacSpec Spec, CompressedCandidate Candidate, IReadOnlyList<Diagnostic> Warnings, IReadOnlyList<string> Files);

/// <summary>
/// The hand-off between <c>run --stage compress</c> (CPU) and <c>validate</c> (GPU): a folder with
/// the original, unaligned and candidate models (each in its own sub-folder under its own file name,
/// so external-data references stay valid) and <see cref="BundleManifest"/>. The folder is built
/// beside its target and moved into place whole, manifest last, so a reader never sees half a bundle.
/// </summary>
public static class CandidateBundle
{
    public static BundleManifest Write(RunContext run, CompressedCandidate candidate, string bundleFolder)
    {
        var target = Path.GetFullPath(bundleFolder);
        var staging = target + ".gac-tmp-" + Guid.NewGuid().ToString("N")[..12];
        run.Report("bundle", $"writing candidate bundle {target}");
        try
        {
            if (File.Exists(target))
            {
                throw new IOException($"'{target}' is a file");
            }

            Directory.CreateDirectory(staging);
            var files = new List<BundleFile>();
            var variants = candidate.Variants;
            var original = Place(run, staging, "original", variants.Original, candidate.OriginalDataFiles, files);
            var unaligned = Place(run, staging, "unaligned", variants.Unaligned, DataOf(variants.Unaligned), files);
            var aligned = Place(run, staging, "candidate", variants.Aligned, DataOf(variants.Aligned), files);
            var spec = run.Spec.File.FullPath;
            var manifest = new BundleManifest(
                BundleManifest.FormatName,
                BundleManifest.CurrentVersion,
                RunReportBuilder.ToolVersion,
                new BundleSpec(Slashes(Path.GetRelativePath(target, spec)), InputHashing.Sha256OfFile(spec)!),
                files,
                DataInputs(run.Spec),
                new BundleVariants(original, unaligned, aligned),
                candidate.Plan,
                run.Warnings.Select(ToBundle).ToList());
            File.WriteAllText(Path.Combine(staging, BundleManifest.FileName), manifest.Serialize());
            Replace(staging, target);
            run.Report("bundle", $"wrote {target} ({files.Sum(f => f.Bytes) / 1e6:F1} MB in {files.Count} files)");
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw GacException.Create(DiagnosticCatalogue.BundleWriteFailed, $"Cannot write the candidate bundle '{target}': {e.Message}", new SourceLocation(target), e);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>
    /// Reads and checks a bundle before any measurement: format and tool version (GAC1805), the spec
    /// (GAC1806, GAC1801), the data files the spec names (GAC1804), every listed file's presence,
    /// size and SHA-256 (GAC1802, GAC1803).
    /// </summary>
    public static OpenedBundle Open(string bundleFolder, string? specPath, IProgress<PipelineProgress>? progress = null)
    {
        var folder = Path.GetFullPath(bundleFolder);
        var manifest = BundleManifest.Read(folder);
        var at = new SourceLocation(Path.Combine(folder, BundleManifest.FileName));
        if (manifest.Version != BundleManifest.CurrentVersion || manifest.ToolVersion != RunReportBuilder.ToolVersion)
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleVersionMismatch,
                $"The bundle is format {manifest.Version} written by gac-build {manifest.ToolVersion}; this is gac-build {RunReportBuilder.ToolVersion} (format {BundleManifest.CurrentVersion}).",
                at);
        }

        var spec = LoadSpec(folder, manifest, specPath, at);
        BundleChecks.Inputs(manifest.Inputs, DataInputs(spec), spec.File.FullPath);
        progress?.Report(new PipelineProgress("bundle", $"checking {manifest.Files.Count} files of {folder} against {BundleManifest.FileName}"));
        var files = BundleChecks.Files(folder, manifest.Files, at);
        var variants = new ModelVariants(
            Variant(folder, manifest.Variants.Original, manifest, at),
            Variant(folder, manifest.Variants.Unaligned, manifest, at),
            Variant(folder, manifest.Variants.Aligned, manifest, at));
        var domains = InputDomainDiscovery.Discover(OnnxModelFile.Load(variants.Original.Path).Model);
        var originalFolder = Path.GetDirectoryName(variants.Original.Path)!;
        var originalData = files.Where(f => f.StartsWith(originalFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && f != variants.Original.Path).ToList();
        var candidate = new CompressedCandidate(variants, domains, manifest.Plan, originalData);
        var warnings = manifest.Warnings.Select(w => FromBundle(w, at)).ToList();
        return new OpenedBundle(spec, candidate, warnings, files);
    }

    /// <summary>The data files validation reads (held-out windows, text, tokenizer, npy), relative to the spec's folder.</summary>
    internal static IReadOnlyList<BundleInput> DataInputs(GacSpec spec)
    {
        var calibration = spec.Calibration;
        var paths = new List<SpecPath>();
        paths.AddRange(new[] { calibration.Tokens, calibration.Text, calibration.Tokenizer }.OfType<SpecPath>());
        paths.AddRange(calibration.Npy.Values);
        var folder = Path.GetDirectoryName(spec.File.FullPath)!;
        return paths
            .Select(p => p.FullPath)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p => new BundleInput(Slashes(Path.GetRelativePath(folder, p)), File.Exists(p) ? InputHashing.Sha256OfFile(p)! : string.Empty))
            .ToList();
    }

    private static GacSpec LoadSpec(string folder, BundleManifest manifest, string? specPath, SourceLocation at)
    {
        var path = Path.GetFullPath(specPath ?? Path.Combine(folder, manifest.Spec.Path));
        if (!File.Exists(path))
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleSpecNotFound,
                specPath is null
                    ? $"The bundle was compressed from '{manifest.Spec.Path}' (relative to the bundle), which is not at '{path}'; pass --spec."
                    : $"The spec '{path}' does not exist.",
                at);
        }

        var hash = InputHashing.Sha256OfFile(path);
        if (hash != manifest.Spec.Sha256)
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleSpecChanged,
                $"'{path}' has SHA-256 {hash}, but the bundle was compressed from a spec with SHA-256 {manifest.Spec.Sha256}.",
                new SourceLocation(path));
        }

        return GacSpecLoader.Load(path);
    }

    private static ModelVariant Variant(string folder, BundleVariant entry, BundleManifest manifest, SourceLocation at)
    {
        if (!manifest.Files.Any(f => f.Path == entry.Path))
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleFileTampered,
                $"The manifest names '{entry.Path}' as the {entry.Name} model but does not list it among the bundle's hashed files.",
                at);
        }

        return new ModelVariant(entry.Name, BundleChecks.Resolve(folder, entry.Path, at), entry.LinearParameters);
    }

    /// <summary>Puts one variant's model and data files under <paramref name="role"/>, keeping their names and relative places.</summary>
    private static BundleVariant Place(RunContext run, string staging, string role, ModelVariant variant, IReadOnlyList<string> dataFiles, List<BundleFile> files)
    {
        var source = Path.GetFullPath(variant.Path);
        var sourceFolder = Path.GetDirectoryName(source)!;
        var relative = new List<string> { Path.GetFileName(source) };
        foreach (var data in dataFiles)
        {
            var name = Path.GetRelativePath(sourceFolder, data);
            if (name.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(name))
            {
                throw new IOException($"the {variant.Name} model '{source}' reads external data '{data}' outside its folder");
            }

            relative.Add(name);
        }

        foreach (var name in relative.Distinct(StringComparer.Ordinal))
        {
            var from = Path.Combine(sourceFolder, name);
            var to = Path.Combine(staging, role, name);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (IsUnder(from, run.ScratchFolder))
            {
                File.Move(from, to);    // the run's own files: moving frees the scratch space at once
            }
            else
            {
                File.Copy(from, to);    // the user's model stays where it is
            }

            var path = Slashes(Path.Combine(role, name));
            files.Add(new BundleFile(path, new FileInfo(to).Length, InputHashing.Sha256OfFile(to)!));
        }

        return new BundleVariant(variant.Name, Slashes(Path.Combine(role, Path.GetFileName(source))), variant.LinearParameters);
    }

    private static IReadOnlyList<string> DataOf(ModelVariant variant) => variant.DataPath is { } data ? [data] : [];

    private static void Replace(string staging, string target)
    {
        string? previous = null;
        if (Directory.Exists(target))
        {
            previous = target + ".gac-prev-" + Guid.NewGuid().ToString("N")[..12];
            Directory.Move(target, previous);
        }

        Directory.Move(staging, target);
        if (previous is not null)
        {
            TryDelete(previous);
        }
    }

    private static bool IsUnder(string path, string folder)
        => Path.GetFullPath(path).StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Slashes(string path) => path.Replace('\\', '/');

    private static BundleWarning ToBundle(Diagnostic d)
        => new(d.Code, d.Message, d.Location?.File, d.Location?.Line ?? 0, d.Location?.Column ?? 0, d.Severity.ToString());

    /// <summary>The manifest's warnings as diagnostics (GAC1805 for a code this version does not know).</summary>
    public static IReadOnlyList<Diagnostic> WarningsOf(BundleManifest manifest, string bundleFolder)
    {
        var at = new SourceLocation(Path.Combine(Path.GetFullPath(bundleFolder), BundleManifest.FileName));
        return manifest.Warnings.Select(w => FromBundle(w, at)).ToList();
    }

    private static Diagnostic FromBundle(BundleWarning w, SourceLocation at)
    {
        var descriptor = DiagnosticCatalogue.Find(w.Code);
        if (descriptor is null || !Enum.TryParse<DiagnosticSeverity>(w.Severity, out var severity))
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleVersionMismatch,
                $"The bundle records a warning {w.Code} ({w.Severity}) this gac-build does not know.",
                at);
        }

        return new Diagnostic(
            descriptor,
            w.Message,
            w.File is null ? null : new SourceLocation(w.File, w.Line, w.Column),
            severity == descriptor.DefaultSeverity ? null : severity);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover staging folder is named .gac-tmp-* beside the bundle; it never passes for a bundle (no manifest at the target).
        }
    }
}
