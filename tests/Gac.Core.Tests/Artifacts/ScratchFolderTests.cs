using System.Diagnostics;
using Gac.Core.Artifacts;

namespace Gac.Core.Tests.Artifacts;

/// <summary>
/// Issue 13 item 6: the next run removes the scratch of runs that died, never a live run's. A kill -9
/// of a real child process is in Gac.Runtime.Tests (ArtifactCrashTests); here the states are built by hand.
/// </summary>
public sealed class ScratchFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gac-scratch-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_gets_a_marked_folder_that_is_gone_after_it_ends()
    {
        string path;
        using (var scratch = ScratchFolder.Create(_root))
        {
            path = scratch.Path;
            Assert.StartsWith(Path.Combine(_root, ScratchFolder.Prefix), path, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(path, ScratchFolder.MarkerName)));
        }

        Assert.False(Directory.Exists(path));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_live_runs_folder_is_never_swept()
    {
        using var live = ScratchFolder.Create(_root);
        File.WriteAllText(Path.Combine(live.Path, "candidate.onnx"), "in use");

        using var next = ScratchFolder.Create(_root);

        Assert.Equal(0, ScratchFolder.SweepStale(_root));
        Assert.Equal("in use", File.ReadAllText(Path.Combine(live.Path, "candidate.onnx")));
    }

    [Fact]
    public void A_folder_whose_marker_names_a_dead_process_is_swept()
    {
        var dead = Stale("dead", DeadPid());

        using var next = ScratchFolder.Create(_root);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(next.Path));
    }

    [Fact]
    public void A_folder_whose_marker_names_a_running_process_is_kept_even_when_its_marker_is_not_locked()
    {
        // File locking can be disabled (DOTNET_SYSTEM_IO_DISABLEFILELOCKING): the PID is the second proof of life.
        using var other = Process.GetProcesses().First(p => p.Id != Environment.ProcessId && p.Id > 1);
        var alive = Stale("alive", other.Id);

        Assert.Equal(0, ScratchFolder.SweepStale(_root));
        Assert.True(Directory.Exists(alive));
    }

    [Fact]
    public void An_unmarked_folder_is_kept_while_recent_and_swept_once_a_day_old()
    {
        var recent = Stale("recent", pid: null);
        var old = Stale("old", pid: null);
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow - ScratchFolder.UnmarkedGrace - TimeSpan.FromMinutes(1));

        Assert.Equal(1, ScratchFolder.SweepStale(_root));

        Assert.True(Directory.Exists(recent), "an unmarked folder may be a run creating it right now");
        Assert.False(Directory.Exists(old));
    }

    [Fact]
    public void Folders_without_the_prefix_are_not_touched()
    {
        var other = Directory.CreateDirectory(Path.Combine(_root, "not-gac-run-1")).FullName;
        Directory.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddDays(-30));

        ScratchFolder.SweepStale(_root);

        Assert.True(Directory.Exists(other));
    }

    private string Stale(string name, int? pid)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, ScratchFolder.Prefix + name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, "candidate.onnx"), new byte[1024]);
        if (pid is { } id)
        {
            File.WriteAllText(Path.Combine(folder, ScratchFolder.MarkerName), $"{id}\n");
        }

        return folder;
    }

    private static int DeadPid()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        return exited.Id;
    }
}
