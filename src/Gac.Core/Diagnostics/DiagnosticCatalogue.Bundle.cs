namespace Gac.Core.Diagnostics;

/// <summary>Candidate bundles: <c>run --stage compress</c> writes one, <c>validate</c> checks it before any measurement.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor BundleUnreadable = new(
        "GAC1800", "Not a candidate bundle",
        "The folder given to validate has no readable gac.bundle.json manifest (not a bundle, an interrupted compress stage, or a damaged manifest).",
        "Pass the folder `gac-build run <gac.yaml> --stage compress --bundle <folder>` wrote, copied whole (the CI artifact hand-off keeps it intact).");

    public static readonly DiagnosticDescriptor BundleSpecChanged = new(
        "GAC1801", "The spec differs from the one the bundle was compressed with",
        "The SHA-256 of the gac.yaml validate reads is not the one recorded when the bundle was written: the gate, validation settings or outputs may have changed.",
        "Validate with the same commit of gac.yaml (both CI jobs on one commit), or rerun the compress stage.");

    public static readonly DiagnosticDescriptor BundleFileMissing = new(
        "GAC1802", "A file of the bundle is missing",
        "A model or external-data file the bundle manifest lists is not in the bundle folder.",
        "Copy or download the whole bundle folder (actions/upload-artifact with the folder as path), or rerun the compress stage.");

    public static readonly DiagnosticDescriptor BundleFileTampered = new(
        "GAC1803", "A file of the bundle does not match its manifest",
        "A model or external-data file's size or SHA-256 differs from the manifest: it was changed, truncated or replaced after the compress stage.",
        "Rerun the compress stage; never edit a bundle by hand.");

    public static readonly DiagnosticDescriptor BundleDataChanged = new(
        "GAC1804", "Calibration or held-out data differs from the compress stage's",
        "A data file the spec names (calibration.tokens, calibration.npy, calibration.text, calibration.tokenizer) is missing, added or has another SHA-256 than when the bundle was written; the held-out inputs would not be the ones the plan was made against.",
        "Check out the same data in the validate job (same commit, same fetched files), or rerun the compress stage.");

    public static readonly DiagnosticDescriptor BundleVersionMismatch = new(
        "GAC1805", "The bundle was written by another version",
        "The bundle's format version or the gac-build version that wrote it is not this tool's: a report would mix two versions' measurements.",
        "Pin one gac-build version for the compress and validate jobs (dotnet tool restore from one manifest).");

    public static readonly DiagnosticDescriptor BundleSpecNotFound = new(
        "GAC1806", "The bundle's spec cannot be found",
        "validate reads the gac.yaml the bundle recorded, relative to the bundle folder, and it is not there (the bundle was moved relative to the spec).",
        "Pass the spec explicitly: gac-build validate <bundle> --spec <gac.yaml>, or put the bundle where the compress stage wrote it.");

    public static readonly DiagnosticDescriptor BundleWriteFailed = new(
        "GAC3060", "The candidate bundle could not be written",
        "Creating the bundle folder, moving a model into it or writing its manifest failed (disk full, permissions, the path is a file), or the original model reads external data outside its own folder.",
        "Check free space (a bundle holds the original and two compressed models) and permissions of --bundle's parent folder; keep an ONNX model's external data beside it.");

    public static readonly DiagnosticDescriptor DecompositionSpillFailed = new(
        "GAC3061", "A layer's decomposition could not be spilled or read back",
        "Each low-rank layer is decomposed once and its singular basis spilled to the run's scratch folder for the apply pass; writing or reading that file failed (disk full, scratch folder removed).",
        "Free disk in the scratch folder's file system (about min(K,N)² × 8 bytes per low-rank layer) or point the scratch folder elsewhere (TMPDIR).");
}
