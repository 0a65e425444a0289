namespace Gac.Core.Diagnostics;

public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor UnknownCommand = new(
        "GAC9001", "Unknown command",
        "The first argument is not a gac-build command.",
        "Run `gac-build --help` for the list of commands.");

    public static readonly DiagnosticDescriptor BadArgument = new(
        "GAC9002", "Invalid command-line argument",
        "An option is unknown, is missing its value, has a value of the wrong type, or a required argument is missing.",
        "Run `gac-build <command> --help` for the options the command takes.");

    public static readonly DiagnosticDescriptor InputFileNotFound = new(
        "GAC9003", "Input file not found",
        "A file named on the command line does not exist or cannot be read.",
        "Check the path (relative paths are resolved against the current directory).");

    public static readonly DiagnosticDescriptor FileSystemFailure = new(
        "GAC9010", "File system failure",
        "Reading or writing a file failed in a step that does not map the error itself: typically a full disk "
        + "(scratch folders hold a model's size several times over) or a folder that cannot be written.",
        "Free disk space (`df -h`), or point TMPDIR / the artifact path at a folder with room; the message names the failure.");

    public static readonly DiagnosticDescriptor OutOfMemory = new(
        "GAC9011", "Out of memory",
        "The process ran out of memory (the machine's, or a limit such as a container's or DOTNET_GCHeapHardLimit): the model, or one step's "
        + "working set, did not fit. No output was published.",
        "For a model larger than memory set calibration.mode: block-wise and validation.fidelity: layer-wise (README: models beyond one machine), "
        + "or compress with run --stage compress and validate the bundle on a machine with more memory, or give the process more memory.");

    public static readonly DiagnosticDescriptor InternalError = new(
        "GAC9999", "Internal error",
        "gac-build hit a bug: an unexpected exception escaped a pipeline step.",
        "Report it with the stack trace printed below the message; exit code 3.");
}
