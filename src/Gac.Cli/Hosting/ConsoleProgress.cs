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

    public void Report(PipelineProgress value)
        => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s {value.Step}] {value.Message}"));
}
