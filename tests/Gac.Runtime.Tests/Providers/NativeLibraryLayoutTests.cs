namespace Gac.Runtime.Tests.Providers;

/// <summary>
/// The output carries ONNX Runtime's GPU build and only it: referencing the CPU package beside it
/// would keep one libonnxruntime.so, the CPU one, without a warning, and CUDA would be lost
/// (PLATFORM-NOTES.md). The GPU build's library sits beside its CUDA provider.
/// </summary>
public sealed class NativeLibraryLayoutTests
{
    [Fact]
    public void The_output_holds_exactly_one_libonnxruntime_so_and_it_is_the_GPU_build()
    {
        var libraries = Directory.GetFiles(AppContext.BaseDirectory, "libonnxruntime.so", SearchOption.AllDirectories);

        var library = Assert.Single(libraries);
        var folder = Path.GetDirectoryName(library)!;
        Assert.True(File.Exists(Path.Combine(folder, "libonnxruntime_providers_cuda.so")), $"no CUDA provider beside {library}");
        Assert.True(File.Exists(Path.Combine(folder, "libonnxruntime_providers_shared.so")), $"no shared provider bridge beside {library}");
        Assert.Empty(Directory.GetFiles(AppContext.BaseDirectory, "onnxruntime.dll", SearchOption.AllDirectories));
    }
}
