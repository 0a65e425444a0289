namespace Gac.Core.Diagnostics;

/// <summary>Publishing the artifact: what was validated is what is published; outputs never replace inputs; cancellation.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor RunCancelled = new(
        "GAC0050", "The run was cancelled",
        "Ctrl-C (exit 130) or SIGTERM (exit 143) stopped the run; its scratch folder was removed and any earlier artifact and reports are unchanged.",
        "Run the command again when you want the result; nothing needs cleaning up.");

    public static readonly DiagnosticDescriptor PublishedArtifactUnloadable = new(
        "GAC5020", "The published artifact does not load",
        "After the accepted model and its external data were moved into place, ONNX Runtime could not open the model from its final path (e.g. a data file " +
            "it references is missing). The earlier artifact and reports were restored.",
        "Read the runtime message; check free space and that nothing else writes to the output folder, then rerun. Report it if it persists: the artifact " +
            "writer produced a file the runtime cannot load.");

    public static readonly DiagnosticDescriptor PublishedArtifactMismatch = new(
        "GAC5021", "The published artifact differs from the validated candidate",
        "Opened from its final path, the published model gave other outputs than the candidate the gate accepted, on the same validation inputs. The earlier " +
            "artifact and reports were restored.",
        "Rerun; if it persists the output folder's file system or another process alters files, or it is a gac-build bug worth reporting.");

    public static readonly DiagnosticDescriptor PublishedDataNameMismatch = new(
        "GAC5022", "The candidate references another external-data file than the one published",
        "The accepted model's tensors name an external-data file other than the '<artifact>.data' written beside it, so the published model could not find " +
            "its weights. Nothing was published.",
        "Report it: the candidate writer and the publisher disagree on the data file's name.");

    public static readonly DiagnosticDescriptor OutputReplacesInput = new(
        "GAC5023", "An output would replace an input file",
        "The artifact (export.path, run --output, the MSBuild item's OutputPath), its external-data file, or a report (report.directory, --report-dir) is " +
            "the model, one of its data files, the spec or a calibration file.",
        "Write the output to another file or folder, e.g. model.gac.onnx beside model.onnx.");

    public static readonly DiagnosticDescriptor OutputFolderIsFile = new(
        "GAC5024", "An output folder is an existing file",
        "report.directory or --report-dir (or a folder above it, or above the artifact) names an existing file, so nothing can be written there; the run " +
            "stops before anything is computed or published.",
        "Name a folder (it is created when missing), or remove the file.");
}
