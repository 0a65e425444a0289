using System.Diagnostics;
using Gac.Core.Artifacts;

namespace Gac.Runtime.Tests.Artifacts;

/// <summary>
/// Kills a real writer process (this assembly's Program in artifact-writer mode) at the worst
/// moments and checks what a reader would find. Lives here rather than in Gac.Core.Tests because it
/// needs an entry point to start as a child process.
/// </summary>
public sealed class ArtifactCrashTests : IDisposable
{
    private static readonly byte[] EarlierModel = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
    private static readonly byte[] EarlierData = Enumerable.Range(0, 7000).Select(i => (byte)(i * 7)).ToArray();
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-crash-").FullName;

    private string ModelPath => Path.Combine(_folder, "model.onnx");

    private string DataPath => Path.Combine(_folder, "model.onnx.data");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Killing_the_writer_mid_write_leaves_the_earlier_artifact_and_the_next_run_cleans_up()
    {
        WriteEarlier();

        await RunWriterAndKillAt("mid-write");

        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
        Assert.NotEmpty(Directory.GetFiles(_folder, "*.gac-tmp-*"));

        // The dead process's lock died with it; the next commit recovers and succeeds.
        await new ArtifactCommit(TimeSpan.FromSeconds(5)).CommitAsync(ArtifactContent.FromBytes(ModelPath, new byte[] { 1, 2, 3 }, DataPath,
            new byte[] { 4, 5 }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(ModelPath));
        Assert.Empty(Directory.GetFiles(_folder, "*.gac-*"));
    }

    [Fact]
    public async Task Killing_the_writer_between_data_and_model_move_is_undone_by_recovery()
    {
        WriteEarlier();

        await RunWriterAndKillAt("between-moves");

        // The model never moved; the data file did, and recovery puts the earlier one back.
        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        using (await ArtifactLock.AcquireAsync(ModelPath, TimeSpan.FromSeconds(5)))
        {
            ArtifactCommit.Recover(ModelPath, DataPath);
        }

        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
        Assert.Empty(Directory.GetFiles(_folder, "*.gac-*"));
    }

    [Theory]
    [InlineData("reports-moved")]
    [InlineData("verifying")]
    public async Task Killing_the_writer_after_the_reports_moved_is_undone_with_them_by_the_next_run(string stopAt)
    {
        WriteEarlier();
        Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
        File.WriteAllText(ReportPath, "earlier report");

        await RunWriterAndKillAt(stopAt, ReportPath);

        if (stopAt == "verifying")
        {
            // Killed while the published model was being verified: what a reader finds is the new
            // artifact with the new report — one run's files, not a mix.
            Assert.Equal("new report", File.ReadAllText(ReportPath));
            Assert.Equal(1 << 20, new FileInfo(ModelPath).Length);
        }

        // The next run on this output recovers under the lock: the unverified commit is undone as a whole.
        using (await ArtifactLock.AcquireAsync(ModelPath, TimeSpan.FromSeconds(5)))
        {
            ArtifactCommit.Recover(ModelPath, DataPath, [ReportPath]);
        }

        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
        Assert.Equal("earlier report", File.ReadAllText(ReportPath));
        Assert.Empty(Directory.GetFiles(_folder, "*.gac-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_killed_runs_scratch_folder_is_kept_while_it_lives_and_swept_by_the_next_run_after_it_died()
    {
        var root = Path.Combine(_folder, "tmp");
        Directory.CreateDirectory(root);
        using var holder = Start("scratch-holder", root);
        Assert.Equal("READY", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        var scratch = Assert.Single(Directory.GetDirectories(root, ScratchFolder.Prefix + "*"));

        Assert.Equal(0, ScratchFolder.SweepStale(root));
        Assert.True(Directory.Exists(scratch), "a live run's scratch is never touched");

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        Assert.True(Directory.Exists(scratch), "kill -9 leaves the folder behind");
        using var next = ScratchFolder.Create(root);

        Assert.False(Directory.Exists(scratch));
        Assert.Equal([next.Path], Directory.GetDirectories(root));
    }

    private string ReportPath => Path.Combine(_folder, "reports", "gac.report.json");

    private void WriteEarlier()
    {
        File.WriteAllBytes(ModelPath, EarlierModel);
        File.WriteAllBytes(DataPath, EarlierData);
    }

    private static Process Start(params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
    }

    private async Task RunWriterAndKillAt(string stopAt, string? report = null)
    {
        string[] arguments = report is null ? ["artifact-writer", ModelPath, DataPath, stopAt] : ["artifact-writer", ModelPath, DataPath, stopAt, report];
        using var writer = Start(arguments);
        var start = writer.StartInfo;
        var stderr = writer.StandardError.ReadToEndAsync();
        var ready = writer.StandardOutput.ReadLineAsync();
        var finished = await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30)));
        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync();
        Assert.True(finished == ready && ready.Result == "READY", $"writer did not reach '{stopAt}' ({start.FileName} " +
            $"{string.Join(' ', start.ArgumentList)}); stderr: {await stderr}");
    }
}
