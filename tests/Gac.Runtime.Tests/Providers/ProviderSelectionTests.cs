using Gac.Core.Diagnostics;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Tests.Providers;

public sealed class ProviderSelectionTests
{
    [GpuFact(Inverted = true)]
    public void Cuda_without_usable_CUDA_is_GAC4001_naming_the_missing_library_and_the_requirement()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cuda));

        var error = Assert.Throws<GacException>(() => factory.Open(TinyOnnx.MatMul(4, 3, TinyOnnx.Weights(12, 1)), "m"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("GAC4001", diagnostic.Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.True(OrtLog.Installed, "ONNX Runtime's log is captured");
        // The library the dynamic loader could not open, as ONNX Runtime logged it (not in its exception).
        Assert.Matches(@"missing lib[\w.+-]+\.so[\d.]*", diagnostic.Message);
        Assert.Contains(OrtLog.MissingLibraries(OrtLog.Since(0)), l => diagnostic.Message.Contains(l, StringComparison.Ordinal));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA 13", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("cuDNN 9", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("NVIDIA GPU and driver", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CUDA 12", diagnostic.Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(error.InnerException);
    }

    [GpuFact(Inverted = true)]
    public void Auto_without_usable_CUDA_runs_on_cpu_and_records_why()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Auto));

        using var session = factory.Open(TinyOnnx.MatMul(4, 3, TinyOnnx.Weights(12, 1)), "m");

        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
        var warning = Assert.Single(factory.Warnings);
        Assert.Equal("GAC4008", warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.False(string.IsNullOrWhiteSpace(factory.FallbackReason));
        Assert.Contains(factory.FallbackReason!, warning.Message, StringComparison.Ordinal);
        Assert.Contains("missing lib", factory.FallbackReason, StringComparison.Ordinal);
        Assert.Contains("CUDA 13", warning.Message, StringComparison.Ordinal);
        Assert.Equal("cpu", factory.ProviderOptions);
    }

    [Fact]
    public void Cpu_policy_uses_cpu_without_warnings()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));

        using var session = factory.Open(TinyOnnx.MatMul(4, 3, TinyOnnx.Weights(12, 1)), "m");

        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
        Assert.Empty(factory.Warnings);
        Assert.Equal("cpu", factory.ProviderOptions);
    }

    [Fact]
    public void A_model_with_external_data_opens_from_bytes_given_its_folder()
    {
        var folder = Directory.CreateTempSubdirectory("gac-ext-").FullName;
        try
        {
            // W = identity 2×2, stored outside the protobuf.
            float[] identity = [1, 0, 0, 1];
            File.WriteAllBytes(Path.Combine(folder, "w.bin"), TinyOnnx.RawBytes(identity, TinyOnnx.Float));
            var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu));

            using var session = factory.Open(TinyOnnx.MatMul(2, 2, identity, externalLocation: "w.bin"), "ext", folder);
            using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 3, 5 }, [1, 2]);
            using var outputs = session.Session.Run(new RunOptions(), ["X"], [input], ["Y"]);

            Assert.Equal([3f, 5f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_corrupt_model_is_GAC4004()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu));

        var error = Assert.Throws<GacException>(() => factory.Open([1, 2, 3, 4, 5], "garbage"));

        Assert.Equal("GAC4004", error.Diagnostics[0].Code);
    }

    [Fact]
    public void A_native_folder_without_the_library_is_GAC4002()
    {
        var empty = Directory.CreateTempSubdirectory("gac-native-").FullName;
        try
        {
            Assert.Equal("GAC4002", Assert.Throws<GacException>(() => OrtNativeLibrary.ResolveLibraryPath(empty)).Diagnostics[0].Code);
            Assert.Equal("GAC4002", Assert.Throws<GacException>(() => OrtNativeLibrary.ResolveLibraryPath(Path.Combine(empty, "missing"))).Diagnostics[0].Code);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void The_resolver_loads_onnxruntime_from_the_given_folder_and_ignores_other_libraries()
    {
        // The packaged CPU library stands in for a GPU build's folder: same file name, same loader.
        var packaged = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        var library = OrtNativeLibrary.ResolveLibraryPath(packaged);

        Assert.NotEqual(IntPtr.Zero, OrtNativeLibrary.Resolve("onnxruntime", library));
        Assert.Equal(IntPtr.Zero, OrtNativeLibrary.Resolve("libc", library));
    }
}
