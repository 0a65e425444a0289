using Gac.Core.Spec;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Profiling;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Profiling;

/// <summary>
/// <c>gac-build profile</c>'s work: a latency staircase for the requested GEMM shapes and ranks on one
/// provider, built from <see cref="OnnxGemmProbes"/> and saved as the JSON the planner reads
/// (a user profile's <c>staircase</c>).
/// </summary>
public static class StaircaseMeasurement
{
    /// <param name="settings">Warm-up and iterations per probe (<see cref="ProfileDefaults.Benchmark"/> unless overridden).</param>
    /// <param name="outputPath">Where the staircase JSON is written, once every probe is measured.</param>
    public static ProfileResult Measure(
        ProfileRequest request,
        BenchmarkSettings settings,
        ExecutionProviderChoice provider,
        int? intraOpThreads,
        string outputPath,
        IProgress<ProfileProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var sessions = new OrtSessionFactory(new SessionSettings(provider, IntraOpThreads: intraOpThreads));
        var result = new StaircaseProfiler(sessions, new OnnxGemmProbes(), settings).Profile(request, progress, cancellationToken);
        LatencyStaircaseFile.Save(result.Staircase, outputPath);
        return result;
    }
}
