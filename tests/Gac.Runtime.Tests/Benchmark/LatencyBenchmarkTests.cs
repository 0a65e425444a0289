using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;

namespace Gac.Runtime.Tests.Benchmark;

public sealed class LatencyBenchmarkTests
{
    [Fact]
    public void Variants_are_interleaved_round_robin_with_a_rotating_start()
    {
        var clock = new ScriptedClock();
        var log = new List<string>();
        IBenchmarkTarget[] targets = [new FakeTarget("original", 3.0, clock, log), new FakeTarget("unaligned", 3.0, clock, log), new FakeTarget("gac", 2.0, clock, log)];

        new LatencyBenchmark(new BenchmarkSettings(Warmup: 2, Iterations: 3, BootstrapResamples: 50)).Measure(targets, "batch=1");

        // Warm-up then measurement; iteration k starts with variant k mod 3.
        Assert.Equal(
            ["original", "unaligned", "gac", "unaligned", "gac", "original",
             "original", "unaligned", "gac", "unaligned", "gac", "original", "gac", "original", "unaligned"],
            log);
    }

    [Fact]
    public void Percentiles_and_speedups_follow_the_injected_clock()
    {
        var clock = new ScriptedClock();
        var log = new List<string>();
        IBenchmarkTarget[] targets = [new FakeTarget("original", 3.0, clock, log), new FakeTarget("unaligned", 3.3, clock, log), new FakeTarget("gac", 2.0, clock, log)];

        var result = new LatencyBenchmark(new BenchmarkSettings(Warmup: 0, Iterations: 40, BootstrapResamples: 200), clock).Measure(targets, "batch=1");

        // Constant durations: every percentile equals the duration, to float rounding (1e-9 ms).
        Assert.Equal(3.0, result.Variant("original").P50Ms, 9);
        Assert.Equal(3.0, result.Variant("original").P99Ms, 9);
        Assert.Equal(2.0, result.Variant("gac").MeanMs, 9);
        Assert.Equal(1.5, result.Speedup("gac", "original")!.Ratio, 9);
        Assert.Equal(1.65, result.Speedup("gac", "unaligned")!.Ratio, 9);
        Assert.Equal(3, result.Speedups.Count);
    }

    [Fact]
    public void Progress_is_reported_for_warmup_and_measurement()
    {
        var clock = new ScriptedClock();
        var reports = new List<BenchmarkProgress>();
        var progress = new SynchronousProgress(reports.Add);

        new LatencyBenchmark(new BenchmarkSettings(Warmup: 2, Iterations: 40, BootstrapResamples: 10), clock)
            .Measure([new FakeTarget("a", 1, clock, [])], "batch=1", progress);

        Assert.Equal(2, reports.Count(r => r.Phase == "warmup"));
        Assert.Equal(new BenchmarkProgress("batch=1", "measure", 40, 40), reports[^1]);
        Assert.Equal(20, reports.Count(r => r.Phase == "measure"));
    }

    [Fact]
    public void Invalid_settings_are_GAC4011()
    {
        Assert.Equal("GAC4011", Assert.Throws<GacException>(() => new LatencyBenchmark(new BenchmarkSettings(Iterations: 0))).Diagnostics[0].Code);
        Assert.Equal("GAC4011", Assert.Throws<GacException>(() => new LatencyBenchmark(new BenchmarkSettings()).Measure(Array.Empty<IBenchmarkTarget>(), "b")).Diagnostics[0].Code);
    }

    [Fact]
    public void Real_sessions_give_sane_percentiles_and_intervals_around_the_estimate()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));
        using var original = factory.Open(TinyOnnx.MatMul(128, 128, TinyOnnx.Weights(128 * 128, 1)), "original");
        using var unaligned = factory.Open(TinyOnnx.MatMul(128, 123, TinyOnnx.Weights(128 * 123, 2)), "unaligned");
        using var gac = factory.Open(TinyOnnx.MatMul(128, 64, TinyOnnx.Weights(128 * 64, 3)), "gac");

        var results = new LatencyBenchmark(new BenchmarkSettings(Warmup: 3, Iterations: 30, BootstrapResamples: 300))
            .Measure([original, unaligned, gac], [ShapeBucket.Parse("batch=8"), ShapeBucket.Parse("batch=32")]);

        Assert.Equal(["batch=8", "batch=32"], results.Select(r => r.Bucket));
        Assert.All(results.SelectMany(r => r.Variants), v =>
        {
            Assert.Equal(30, v.SamplesMs.Count);
            Assert.True(v.P50Ms > 0 && v.P50Ms <= v.P90Ms && v.P90Ms <= v.P99Ms, $"{v.Name}: {v.P50Ms} {v.P90Ms} {v.P99Ms}");
            Assert.InRange(v.P50Ms, v.P50CiLowMs, v.P50CiHighMs);
        });
        Assert.All(results.SelectMany(r => r.Speedups), s => Assert.InRange(s.Ratio, s.CiLow, s.CiHigh));
    }

    [Fact]
    public void An_unbound_symbolic_dimension_is_GAC4005()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu));
        using var lm = factory.Open(TinyOnnx.BigramLm(5, new float[25]), "lm");

        var error = Assert.Throws<GacException>(() => new LatencyBenchmark(new BenchmarkSettings(Warmup: 0, Iterations: 1)).Measure([lm], [ShapeBucket.Parse("batch=1")]));

        Assert.Equal("GAC4005", error.Diagnostics[0].Code);
        Assert.Contains("'seq'", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_token_ids_stay_inside_the_vocabulary()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu));
        using var lm = factory.Open(TinyOnnx.BigramLm(7, new float[49]), "lm");

        using var inputs = RandomInputs.Create(lm.Signature, ShapeBucket.Parse("batch=4,seq=64"), seed: 5, InputDomains.WithVocabulary(["input_ids"], 7));

        var ids = inputs["input_ids"].Int64Values.ToArray();
        Assert.Equal(256, ids.Length);
        Assert.All(ids, id => Assert.InRange(id, 0, 6));
        Assert.Equal(7, ids.Distinct().Count());
    }

    private sealed class ScriptedClock : IBenchmarkClock
    {
        public long Now { get; set; }

        public double TicksPerMillisecond => 1_000_000;

        public long GetTimestamp() => Now;
    }

    private sealed class FakeTarget(string name, double milliseconds, ScriptedClock clock, List<string> log) : IBenchmarkTarget
    {
        public string Name => name;

        public void RunOnce()
        {
            log.Add(name);
            clock.Now += (long)(milliseconds * clock.TicksPerMillisecond);
        }
    }

    private sealed class SynchronousProgress(Action<BenchmarkProgress> report) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value) => report(value);
    }
}
