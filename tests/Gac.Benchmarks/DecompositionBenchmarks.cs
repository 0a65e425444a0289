using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Gac.Compression;
using Gac.Compression.LowRank;
using static TorchSharp.torch;

namespace Gac.Benchmarks;

/// <summary>
/// Per-layer low-rank decomposition of one Llama-3-8B MLP weight (4096×14336, GAC-METHOD §6) through
/// <see cref="LowRankFactorizer"/> against the bare TorchSharp calls it wraps (Gram product + eigh,
/// then the rank-r factor products). Target: API/bare ≤ 1.2. Each operation takes seconds on the
/// project's 2-core machines, so the job is one warm-up and three measured single invocations.
/// Run: dotnet run -c Release --project tests/Gac.Benchmarks -- --filter '*Decomposition*'
/// </summary>
[Config(typeof(SecondsPerOperation))]
public class DecompositionBenchmarks
{
    /// <summary>
    /// In-process: the generated project would copy libtorch (≈460 MB) again and exceeds BenchmarkDotNet's
    /// 2-minute build timeout on a loaded machine; the in-process default timeout is also too short.
    /// </summary>
    private sealed class SecondsPerOperation : ManualConfig
    {
        public SecondsPerOperation()
        {
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
        }
    }

    private const int Rows = 4096;
    private const int Columns = 14336;

    /// <summary>ASVD grid rank at p = 0.5 for 4096×14336 (GAC-METHOD §6).</summary>
    private const int Rank = 1592;

    private WeightMatrix _weight = null!;

    [Params(GramPrecision.Float32, GramPrecision.Float64)]
    public GramPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.EnsureLoaded();
        random.manual_seed(20260401);
        using var w = randn(Rows, Columns, ScalarType.Float32);
        _weight = new WeightMatrix(Rows, Columns, w.data<float>().ToArray());
    }

    [GlobalCleanup]
    public void ReportPeakMemory()
    {
        // Peak resident set of this benchmark process (one process per case), for the memory budget.
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM", StringComparison.Ordinal));
        Console.WriteLine($"// {Precision}: {peak}");
    }

    [Benchmark(Baseline = true)]
    public float[] BareTorchSharp()
    {
        using var scope = NewDisposeScope();
        var type = Precision == GramPrecision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var w = tensor(_weight.Values, [Rows, Columns], ScalarType.Float32);
        var wg = w.to_type(type);
        var (values, vectors) = linalg.eigh(wg.mm(wg.t()));
        var u = vectors.flip(1).narrow(1, 0, Rank).to_type(ScalarType.Float32);
        using var zero = TorchSharp.ScalarExtensionMethods.ToScalar(0); // held: an implicit Scalar may be freed mid-call
        var root = values.flip(0).narrow(0, 0, Rank).clamp_min(zero).sqrt().sqrt().to_type(ScalarType.Float32);
        var a = u.mul(root.unsqueeze(0));
        var b = u.t().mm(w).div(root.unsqueeze(1));
        _ = b.data<float>().ToArray();
        return a.data<float>().ToArray();
    }

    [Benchmark]
    public float[] LowRankFactorizerApi()
    {
        using var decomposition = new LowRankFactorizer(new LowRankOptions(Precision)).Decompose("mlp.up", _weight);
        return decomposition.Factorize(Rank).A;
    }
}
