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
    private readonly string folder = Directory.CreateTempSubdirectory("gac-crash-").FullName;

    private string ModelPath => Path.Combine(folder, "model.onnx");

    private string DataPath => Path.Combine(folder, "model.onnx.data");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Killing_the_writer_mid_write_leaves_the_earlier_artifact_and_the_next_run_cleans_up()
    {
        WriteEarlier();

        await RunWriterAndKillAt("mid-write");

        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
        Assert.NotEmpty(Directory.GetFiles(folder, "*.gac-tmp-*"));

        // The dead process's lock died with it; the next commit recovers and succeeds.
        await new ArtifactCommit(TimeSpan.FromSeconds(5)).CommitAsync(ArtifactContent.FromBytes(ModelPath, new byte[] { 1, 2, 3 }, DataPath, new byte[] { 4, 5 }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(ModelPath));
        Assert.Empty(Directory.GetFiles(folder, "*.gac-*"));
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
        Assert.Empty(Directory.GetFiles(folder, "*.gac-*"));
    }

    private void WriteEarlier()
    {
        File.WriteAllBytes(ModelPath, EarlierModel);
        File.WriteAllBytes(DataPath, EarlierData);
    }

    private async Task RunWriterAndKillAt(string stopAt)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(Program).Assembly.Location, "artifact-writer", ModelPath, DataPath, stopAt })
        {
            start.ArgumentList.Add(argument);
        }

        using var writer = Process.Start(start) ?? throw new InvalidOperationException("could not start the writer");
        var stderr = writer.StandardError.ReadToEndAsync();
        var ready = writer.StandardOutput.ReadLineAsync();
        var finished = await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30)));
        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync();
        Assert.True(finished == ready && ready.Result == "READY", $"writer did not reach '{stopAt}' ({dotnet} {string.Join(' ', start.ArgumentList)}); stderr: {await stderr}");
    }
}
