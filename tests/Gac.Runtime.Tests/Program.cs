using Gac.Core.Artifacts;

namespace Gac.Runtime.Tests;

/// <summary>
/// The test assembly's entry point. Under the test runner it is never called; ArtifactCrashTests
/// starts this assembly as a child process (`dotnet Gac.Runtime.Tests.dll artifact-writer ...`) that
/// commits an artifact and stops at a chosen point, announcing "READY" so the parent can kill it there.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["artifact-writer", var model, var data, var stopAt])
        {
            await Console.Error.WriteLineAsync("usage: artifact-writer <model> <data> mid-write|between-moves");
            return 2;
        }

        var newModel = Enumerable.Repeat((byte)0xAB, 1 << 20).ToArray();
        var newData = Enumerable.Repeat((byte)0xCD, 1 << 20).ToArray();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (stopAt == "between-moves" && step == CommitStep.BetweenDataAndModelMove)
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
            (stream, ct) => stream.WriteAsync(newData, ct).AsTask());
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
