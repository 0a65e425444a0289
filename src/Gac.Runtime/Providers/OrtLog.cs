using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// ONNX Runtime's own log, kept in memory. Why: when the CUDA provider cannot load, ONNX Runtime's
/// exception says only "Failed to load shared library"; the name of the missing library (say
/// libcublasLt.so.13) appears only in its log line (PLATFORM-NOTES.md, "ONNX Runtime GPU build"). The
/// log is received through the OrtEnv logging callback, which ONNX Runtime accepts only when it
/// creates its process-wide environment, so <see cref="Install"/> runs before the first session.
/// Lines are kept (the last 64), not printed: what matters reaches the user inside a diagnostic.
/// </summary>
public static partial class OrtLog
{
    private const int Kept = 64;
    private static readonly Lock Gate = new();
    private static readonly Queue<(long Sequence, string Line)> Recent = new();
    private static readonly DOrtLoggingFunction Sink = Receive;
    private static long _received;
    private static bool _installed;

    /// <summary>Whether ONNX Runtime's log reaches <see cref="Since"/> in this process.</summary>
    public static bool Installed
    {
        get
        {
            lock (Gate)
            {
                return _installed;
            }
        }
    }

    /// <summary>How many lines have arrived so far: pass it to <see cref="Since"/> to read what came after.</summary>
    public static long Mark
    {
        get
        {
            lock (Gate)
            {
                return _received;
            }
        }
    }

    /// <summary>
    /// Creates ONNX Runtime's environment with this log attached, unless something in the process
    /// already created it (then ONNX Runtime keeps its own stderr log and this returns false).
    /// </summary>
    public static bool Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return true;
            }

            if (OrtEnv.IsCreated)
            {
                return false;
            }

            var options = new EnvironmentCreationOptions
            {
                logId = "gac-build",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = Sink,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
            _installed = true;
            return true;
        }
    }

    /// <summary>The lines that arrived after <paramref name="mark"/> (those still kept).</summary>
    public static IReadOnlyList<string> Since(long mark)
    {
        lock (Gate)
        {
            return Recent.Where(r => r.Sequence >= mark).Select(r => r.Line).ToList();
        }
    }

    /// <summary>
    /// The shared libraries the lines say could not be opened (the dynamic loader's
    /// "NAME: cannot open shared object file"), in order, each once.
    /// </summary>
    public static IReadOnlyList<string> MissingLibraries(IEnumerable<string> lines)
        => lines.SelectMany(l => CannotOpen().Matches(l).Select(m => m.Groups["name"].Value)).Distinct(StringComparer.Ordinal).ToList();

    private static void Receive(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        lock (Gate)
        {
            Recent.Enqueue((_received++, message));
            while (Recent.Count > Kept)
            {
                Recent.Dequeue();
            }
        }
    }

    [GeneratedRegex(@"(?<name>[\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")]
    private static partial Regex CannotOpen();
}
