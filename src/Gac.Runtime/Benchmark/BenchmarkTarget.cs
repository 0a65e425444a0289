namespace Gac.Runtime.Benchmark;

/// <summary>One thing the benchmark times: a single inference, already set up. Fakes implement it in tests.</summary>
public interface IBenchmarkTarget
{
    string Name { get; }

    void RunOnce();
}

/// <summary>A monotonic clock; injectable so tests control time and observe call order.</summary>
public interface IBenchmarkClock
{
    long GetTimestamp();

    double TicksPerMillisecond { get; }
}

public sealed class StopwatchClock : IBenchmarkClock
{
    public static readonly StopwatchClock Instance = new();

    public double TicksPerMillisecond => System.Diagnostics.Stopwatch.Frequency / 1000.0;

    public long GetTimestamp() => System.Diagnostics.Stopwatch.GetTimestamp();
}
