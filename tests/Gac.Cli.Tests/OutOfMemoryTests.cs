using System.Diagnostics;

namespace Gac.Cli.Tests;

/// <summary>
/// Running out of memory is the machine's state, like a full disk: a diagnostic with its remedy and exit 2, not an internal
/// error with a stack trace. The exhaustion is real: gac-build runs as its own process under a 48 MiB managed-heap limit
/// (DOTNET_GCHeapHardLimit, as a container limit would impose) and audits a 67 MB model, which cannot be read into it.
/// </summary>
public sealed class OutOfMemoryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_model_larger_than_the_memory_limit_is_GAC9011_with_its_remedy_not_a_stack_trace()
    {
        var synth = CliRun.InDirectory(_folder.Path, "synth", "model.onnx", "--hidden", "512", "--heads", "8", "--intermediate", "2048", "--blocks", "4");
        Assert.Equal(0, synth.ExitCode);
        Assert.True(new FileInfo(_folder.File("model.onnx")).Length > 64L << 20, "the model must exceed the heap limit for the test to mean anything");

        using var process = Start("audit", "model.onnx");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var error = await stderr;
        await stdout;

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("error GAC9011: out of memory", error, StringComparison.Ordinal);
        Assert.Contains("layer-wise", error, StringComparison.Ordinal);
        Assert.DoesNotContain("GAC9999", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private Process Start(params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder.Path,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gac-build.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x3000000";
        return Process.Start(start) ?? throw new InvalidOperationException("could not start gac-build");
    }
}
