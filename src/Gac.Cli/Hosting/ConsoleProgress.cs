using System.Globalization;
using Gac.Pipeline;

namespace Gac.Cli.Hosting;

/// <summary>
/// One line per pipeline step on stderr, so stdout stays clean for --format json. Synchronous on
/// purpose: <see cref="Progress{T}"/> posts to the thread pool and would reorder lines.
/// </summary>
public sealed class ConsoleProgress(TextWriter output) : IProgress<PipelineProgress>
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    // GAC_PROGRESS_MEMORY=1 appends resident and managed memory to each line: where a large model's memory goes, phase by phase.
    private readonly bool _memory = Environment.GetEnvironmentVariable("GAC_PROGRESS_MEMORY") == "1";

    public void Report(PipelineProgress value)
        => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s {value.Step}] {value.Message}{Memory()}"));

    private string Memory()
    {
        if (!_memory)
        {
            return "";
        }

        const double GiB = 1 << 30;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {{rss {Status("VmRSS:")} (anon {Status("RssAnon:")}, file {Status("RssFile:")}), managed {GC.GetTotalMemory(false) / GiB:0.00} GiB}}");
    }

    /// <summary>A /proc/self/status line's kB in GiB: anonymous memory is the process's own, file pages are mapped weights and
    /// libraries.</summary>
    private static string Status(string key)
    {
        const string StatusFile = "/proc/self/status";
        var line = File.Exists(StatusFile) ? File.ReadLines(StatusFile).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) : null;
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var value, ..] ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{kb / 1048576.0:0.00} GiB");
    }
}
