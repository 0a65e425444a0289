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

        var heapLimit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x3000000" };   // 48 MiB
        var audit = await ToolProcess.RunAsync(_folder.Path, heapLimit, "audit", "model.onnx");
        var error = audit.Error;

        Assert.Equal(2, audit.ExitCode);
        Assert.Contains("error GAC9011: out of memory", error, StringComparison.Ordinal);
        Assert.Contains("layer-wise", error, StringComparison.Ordinal);
        Assert.DoesNotContain("GAC9999", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
