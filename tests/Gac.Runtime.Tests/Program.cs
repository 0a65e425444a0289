using Gac.Core.Artifacts;

namespace Gac.Runtime.Tests;

/// <summary>
/// The test assembly's entry point. Under the test runner it is never called; ArtifactCrashTests
/// starts this assembly as a child process (`dotnet Gac.Runtime.Tests.dll artifact-writer ...`) that
/// commits an artifact (with a report when a fifth argument names one) and stops at a chosen point,
/// announcing "READY" so the parent can kill it there; `scratch-holder &lt;root&gt;` creates a run's
/// scratch folder and waits to be killed.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["scratch-holder", var root])
        {
            using var scratch = ScratchFolder.Create(root);
            File.WriteAllBytes(Path.Combine(scratch.Path, "candidate.onnx"), new byte[4096]);
            Hang();
        }

        if (args is not ["artifact-writer", var model, var data, var stopAt, ..] || args.Length > 5)
        {
            await Console.Error.WriteLineAsync("usage: artifact-writer <model> <data> mid-write|between-moves|reports-moved|verifying [report]");
            return 2;
        }

        var report = args.Length == 5 ? args[4] : null;

        var newModel = Enumerable.Repeat((byte)0xAB, 1 << 20).ToArray();
        var newData = Enumerable.Repeat((byte)0xCD, 1 << 20).ToArray();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if ((stopAt, step) is ("between-moves", CommitStep.BetweenDataAndModelMove) or ("reports-moved", CommitStep.ReportsMoved))
            {
                Hang();
            }
        });
        var content = new ArtifactContent(
            model,
            async (stream, ct) =>
            {
                await stream.WriteAsync(newModel.AsMemory(0, newModel.Length / 2), ct);
                await stream.FlushAsync(ct);
                if (stopAt == "mid-write")
                {
                    Hang();
                }

                await stream.WriteAsync(newModel.AsMemory(newModel.Length / 2), ct);
            },
            data,
            (stream, ct) => stream.WriteAsync(newData, ct).AsTask())
        {
            Companions = report is null ? [] : [CompanionFile.FromBytes(report, "new report"u8.ToArray())],
            Verify = (_, _) =>
            {
                if (stopAt == "verifying")
                {
                    Hang();
                }

                return Task.CompletedTask;
            },
        };
        await commit.CommitAsync(content);
        return 0;
    }

    private static void Hang()
    {
        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
