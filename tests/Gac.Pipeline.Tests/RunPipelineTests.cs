using Gac.Core.Diagnostics;
using Gac.Core.Reports;

namespace Gac.Pipeline.Tests;

public sealed class RunPipelineTests
{
    [Fact]
    public async Task Passing_goals_accept_and_put_the_artifact_in_place_with_a_full_report()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(gate: "min_aligned_percent: 100\nmin_cosine: 0.5");

        var result = await GacPipeline.RunAsync(spec);

        Assert.True(result.Accepted, string.Join("; ", result.Report.Gate.Goals.Select(g => g.Reason)));
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(workspace.ArtifactPath));
        var report = ReportJson.Deserialize(File.ReadAllText(workspace.ReportPath(ReportJson.FileName)));
        var latency = Assert.Single(report.Latency);
        Assert.Equal(["original", "unaligned", "gac"], latency.Variants.Select(v => v.Variant).ToArray());
        Assert.All(latency.Variants, v => Assert.True(v.P50Ms > 0));
        Assert.NotNull(report.Fidelity);
        Assert.NotNull(report.FidelityUnaligned);
        Assert.Equal(100.0, report.Plan!.AlignedPercentAfter);
        Assert.True(report.Plan.ParametersAligned < report.Plan.ParametersOriginal);
        Assert.True(report.Compression!.ArtifactWritten);
        Assert.All(new[] { MarkdownSummary.FileName, JUnitReport.FileName, LatencyPlot.FileName }, f => Assert.True(File.Exists(workspace.ReportPath(f)), f));
    }

    [Fact]
    public async Task Failing_goals_reject_write_no_artifact_and_give_a_reason_per_goal()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(gate: "max_relative_error: 0.0000001\nmin_aligned_percent: 100");

        var result = await GacPipeline.RunAsync(spec);

        Assert.False(result.Accepted);
        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(workspace.ArtifactPath));
        var failed = Assert.Single(result.Report.Gate.Goals, g => g.Status == "failed");
        Assert.Contains("relative", failed.Name, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));
        Assert.Contains(result.Report.Gate.Goals, g => g.Status == "passed");
        Assert.True(File.Exists(workspace.ReportPath(ReportJson.FileName)), "a rejected run still writes its report");
    }

    [Fact]
    public async Task A_rejected_run_leaves_an_earlier_accepted_artifact_byte_identical()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2))).Accepted);
        var accepted = File.ReadAllBytes(workspace.ArtifactPath);

        var rejected = await GacPipeline.RunAsync(workspace.Spec(ratio: 0.5, gate: "max_relative_error: 0.0000001"));

        Assert.False(rejected.Accepted);
        Assert.Equal(accepted, File.ReadAllBytes(workspace.ArtifactPath));
    }

    [Fact]
    public async Task A_rejected_run_beside_an_accepted_artifact_keeps_that_artifacts_reports_and_names_its_own_rejected()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2))).Accepted);
        var acceptedReport = File.ReadAllBytes(workspace.ReportPath(ReportJson.FileName));

        var rejected = await GacPipeline.RunAsync(workspace.Spec(ratio: 0.5, gate: "max_relative_error: 0.0000001"));

        Assert.False(rejected.Accepted);
        Assert.Equal(acceptedReport, File.ReadAllBytes(workspace.ReportPath(ReportJson.FileName)));
        var own = File.ReadAllText(workspace.ReportPath("gac.rejected.report.json"));
        Assert.Contains("\"artifactWritten\": false", own, StringComparison.Ordinal);
        Assert.True(File.Exists(workspace.ReportPath("gac.rejected.junit.xml")), "CI still gets the failing goals as JUnit");
    }

    [GpuFact(Inverted = true)]
    public async Task Cuda_without_usable_CUDA_is_bad_input_naming_what_is_missing()
    {
        using var workspace = new PipelineWorkspace();

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(provider: "cuda")));

        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("GAC4001", diagnostic.Code);
        Assert.Contains("GPU build", diagnostic.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"missing lib[\w.+-]+\.so", diagnostic.Message);
        Assert.Contains("CUDA 13", diagnostic.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.ArtifactPath));
    }

    [GpuFact(Inverted = true)]
    public async Task Auto_provider_falls_back_to_cpu_and_says_so_in_the_report()
    {
        using var workspace = new PipelineWorkspace();

        var result = await GacPipeline.RunAsync(workspace.Spec(provider: "auto"));

        Assert.Equal("auto", result.Report.Runtime.ProviderRequested);
        Assert.Equal("cpu", result.Report.Runtime.ProviderUsed);
        Assert.Contains(result.Report.Warnings, w => w.Contains("GAC4008", StringComparison.Ordinal));
        Assert.Equal("cpu", result.Report.Runtime.ProviderOptions);
        Assert.Contains("missing lib", result.Report.Runtime.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_ratio_keeps_every_layer_dense_and_reproduces_the_outputs()
    {
        using var workspace = new PipelineWorkspace();

        var result = await GacPipeline.RunAsync(workspace.Spec(method: "svd", ratio: 0.0));

        Assert.True(result.Accepted);
        Assert.Equal(result.Report.Plan!.ParametersOriginal, result.Report.Plan.ParametersAligned);
        Assert.True(result.Report.Fidelity!.MaxAbsDiff <= 1e-4, $"max abs diff {result.Report.Fidelity.MaxAbsDiff}");
    }

    [Fact]
    public async Task Fp16_export_halves_the_weight_bytes_and_stays_faithful()
    {
        using var workspace = new PipelineWorkspace();
        var fp32 = await GacPipeline.RunAsync(workspace.Spec(name: "fp32.yaml"));
        var fp32Bytes = new FileInfo(workspace.ArtifactPath).Length;

        var fp16 = await GacPipeline.RunAsync(workspace.Spec(name: "fp16.yaml", dtype: "fp16"));

        Assert.True(fp32.Accepted && fp16.Accepted);
        var fp16Bytes = new FileInfo(workspace.ArtifactPath).Length;
        Assert.InRange(fp16Bytes, fp32Bytes * 0.45, fp32Bytes * 0.6); // weights dominate the file; graph and small tensors stay
        // fp16 storage adds rounding of about 2^-11 relative per weight on top of the compression error.
        Assert.InRange(fp16.Report.Fidelity!.RelativeL2Error, 0, fp32.Report.Fidelity!.RelativeL2Error + 0.01);
    }
}
