using System.Diagnostics;

namespace Gac.Cli.Tests;

/// <summary>
/// Issue 13 items 5 and 6, for real: gac-build run as a child process, stopped by Ctrl-C (SIGINT) or
/// SIGTERM while it validates. It must exit 130 / 143 with GAC0050, no stack trace, remove its own
/// scratch folder (TMPDIR points into the test's folder) and leave the earlier artifact alone.
/// Runs alone: its child process keeps the CPU busy, which would skew timing-based tests beside it.
/// </summary>
[Collection(nameof(CancellationTests))]
public sealed class CancellationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_during_a_run_exits_with_GAC0050_and_removes_the_runs_scratch(string signal, int expectedExit)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX signals; Windows' Ctrl-C goes through the same handler but cannot be sent here.
        }

        var synth = CliRun.InDirectory(_folder.Path, "synth", "model.onnx", "--hidden", "64", "--heads", "4", "--intermediate", "160", "--blocks", "2");
        Assert.Equal(0, synth.ExitCode);
        File.WriteAllText(_folder.File("gac.yaml"), """
            version: 1
            model:
              path: model.onnx
            calibration:
              samples: 2
              dims: { batch: 1, seq: 16 }
            compress:
              method: svd
              ratio: 0.3
            export:
              path: out/model.gac.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 1000000
              heldout_samples: 2
            gate:
              min_cosine: 0.1
            """);
        var tmp = Directory.CreateDirectory(_folder.File("tmp")).FullName;
        var earlier = Directory.CreateDirectory(_folder.File("out")).FullName;
        File.WriteAllText(Path.Combine(earlier, "model.gac.onnx"), "earlier artifact");

        using var run = Start(tmp, "run", "gac.yaml", "--progress");
        var stderr = new System.Text.StringBuilder();
        var measuring = new TaskCompletionSource();
        run.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }

            if (e.Data?.Contains("latency]", StringComparison.Ordinal) == true)
            {
                measuring.TrySetResult();
            }
        };
        run.BeginErrorReadLine();
        var stdout = run.StandardOutput.ReadToEndAsync();
        await measuring.Task.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.NotEmpty(Directory.GetDirectories(tmp, "gac-run-*"));

        using (var kill = Process.Start("kill", [$"-{signal}", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await stdout;
        var error = stderr.ToString();
        Assert.Equal(expectedExit, run.ExitCode);
        Assert.Contains("error GAC0050", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(tmp, "gac-run-*"));
        Assert.Equal("earlier artifact", File.ReadAllText(Path.Combine(earlier, "model.gac.onnx")));
        Assert.Equal(["model.gac.onnx"], Directory.GetFiles(earlier).Select(Path.GetFileName));
    }

    private Process Start(string tmp, params string[] arguments)
        => ToolProcess.Start(_folder.Path, new Dictionary<string, string> { ["TMPDIR"] = tmp }, arguments);
}

[CollectionDefinition(nameof(CancellationTests), DisableParallelization = true)]
public sealed class CancellationTestsCollection;
