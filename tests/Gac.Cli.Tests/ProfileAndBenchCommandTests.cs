using System.Text.Json;
using Gac.Core.Hardware;
using Gac.Core.Planning;
using Gac.Onnx.Synthetic;

namespace Gac.Cli.Tests;

public sealed class ProfileAndBenchCommandTests
{
    [Fact]
    public void Profile_of_a_tiny_shape_on_the_cpu_writes_a_staircase_the_planner_reads()
    {
        using var folder = new TempFolder();

        var run = CliRun.InDirectory(folder.Path, "profile", "--shape", "64x64", "--tokens", "8", "--dims", "8:32:8", "--warmup", "1", "--iterations", "3",
            "--threads", "1", "--provider", "cpu", "--dense", "--output", "out/p.json", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        var staircase = LatencyStaircase.Load(folder.File("out/p.json"));
        Assert.Equal(("fp32", 8), (staircase.DType, staircase.Tokens));
        Assert.Equal([8, 16, 24, 32], staircase.Find("64x64")!.Points.Select(p => p.Dimension));
        Assert.Equal(64, Assert.Single(staircase.Find("64x64-dense")!.Points).Dimension);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("cpu", json.RootElement.GetProperty("providerUsed").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("series").GetArrayLength());
        Assert.Contains("[profile] shape 1/1 64x64", run.Error, StringComparison.Ordinal);

        // Target 32, the largest measured rank: CPU timings of 8…32 are noise, and a staircase may drop any
        // rank a larger one beats, so a smaller target could leave only over-budget candidates (GAC2001).
        var plan = GacPlanner.Plan(
            new PlanningProblem("tiny", [PlanningDecision.LowRank("l", 64, 64, 32)], PlanningBudget.SameAsTargets),
            new PlannerOptions { Staircase = staircase });
        Assert.True(plan.Settings.LatencyFiltered);
    }

    [Theory]
    [InlineData("64:8:8")]
    [InlineData("8:64")]
    [InlineData("eight")]
    public void Profile_with_bad_dims_is_exit_2_with_GAC9002(string dims)
    {
        using var folder = new TempFolder();

        var run = CliRun.InDirectory(folder.Path, "profile", "--shape", "64x64", "--dims", dims, "--provider", "cpu");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9002", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
        Assert.False(File.Exists(folder.File("profile.json")));
    }

    [Fact]
    public void Profile_with_a_bad_shape_or_none_is_exit_2_with_GAC9002()
    {
        Assert.Contains("error GAC9002", CliRun.Invoke("profile", "--shape", "64by64").Error, StringComparison.Ordinal);
        var none = CliRun.Invoke("profile");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--shape", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_with_dims_above_min_K_N_is_exit_2_with_GAC4102()
    {
        using var folder = new TempFolder();

        var run = CliRun.InDirectory(folder.Path, "profile", "--shape", "16x16", "--dims", "32:64:8", "--provider", "cpu");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC4102", run.Error, StringComparison.Ordinal);
    }

    [GpuFact(Inverted = true)]
    public void Profile_on_cuda_without_usable_CUDA_is_exit_2_with_GAC4001_naming_the_missing_library()
    {
        using var folder = new TempFolder();

        var run = CliRun.InDirectory(folder.Path, "profile", "--shape", "64x64", "--dims", "8", "--iterations", "1", "--provider", "cuda");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC4001", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"missing lib[\w.+-]+\.so", run.Error);
        Assert.Contains("CUDA 13", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
        Assert.False(File.Exists(folder.File("profile.json")));
    }

    [Fact]
    public void Bench_of_a_synthetic_transformer_reports_percentiles_the_provider_and_the_hardware()
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1 }, model);

        var run = CliRun.Invoke("bench", model, "--provider", "cpu", "--shape", "batch=1,seq=16;batch=2,seq=8", "--warmup", "2", "--iterations", "10",
            "--threads", "1", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("cpu", root.GetProperty("providerUsed").GetString());
        Assert.Equal(1, root.GetProperty("hardware").GetProperty("intraOpThreads").GetInt32());
        Assert.NotEqual(string.Empty, root.GetProperty("hardware").GetProperty("onnxRuntimeVersion").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["batch=1,seq=16", "batch=2,seq=8"], results.Select(r => r.GetProperty("bucket").GetString()));
        foreach (var r in results)
        {
            var (p50, p90, p99) = (r.GetProperty("p50Ms").GetDouble(), r.GetProperty("p90Ms").GetDouble(), r.GetProperty("p99Ms").GetDouble());
            Assert.True(p50 > 0);
            Assert.True(p50 <= p90 && p90 <= p99, $"percentiles out of order: {p50} {p90} {p99}");
            Assert.True(r.GetProperty("p50CiLowMs").GetDouble() <= p50 && p50 <= r.GetProperty("p50CiHighMs").GetDouble());
            Assert.Equal(10, r.GetProperty("samples").GetInt32());
        }
    }

    [Fact]
    public void Bench_without_values_for_symbolic_dims_names_them_and_exits_2()
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1 }, model);

        var run = CliRun.Invoke("bench", model, "--provider", "cpu", "--iterations", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC4005", run.Error, StringComparison.Ordinal);
        Assert.Contains("--shape batch=<n>,seq=<n>", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_of_a_missing_file_is_exit_2()
    {
        using var folder = new TempFolder();

        var run = CliRun.Invoke("bench", folder.File("missing.onnx"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9003", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
    }

    [Fact]
    public void Bench_with_a_malformed_shape_bucket_is_exit_2_with_GAC9002()
    {
        var run = CliRun.Invoke("bench", "whatever.onnx", "--shape", "batch:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9002", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "gac.yaml")]
    [InlineData("bench", "model.onnx")]
    [InlineData("profile", "--shape")]
    public void Every_provider_option_takes_the_specs_words_and_refuses_others_with_GAC9002(string command, string first)
    {
        using var folder = new TempFolder();
        string[] rest = first == "--shape" ? ["64x64"] : [];

        var run = CliRun.InDirectory(folder.Path, [command, first, .. rest, "--provider", "CUDA"]);

        Assert.Equal(2, run.ExitCode);
        // The same words as validation.provider in gac.yaml.schema.json, case and all.
        Assert.Contains("error GAC9002: --provider expects auto, cuda or cpu, found 'CUDA'.", run.Error, StringComparison.Ordinal);
    }
}
