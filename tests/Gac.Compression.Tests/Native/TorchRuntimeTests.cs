using System.Runtime.InteropServices;
using Gac.Compression.Native;
using TorchSharp;

namespace Gac.Compression.Tests.Native;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void A_real_torch_operation_runs_after_EnsureLoaded()
    {
        TorchRuntime.EnsureLoaded();

        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var product = torch.matmul(a, a);

        // [[1,2],[3,4]]² = [[7,10],[15,22]]: small integers, exact in fp32.
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void EnsureLoaded_is_idempotent_across_threads()
    {
        var results = Enumerable.Range(0, 8).AsParallel().Select(_ => TorchRuntime.EnsureLoaded()).ToArray();

        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public void The_patched_copy_is_loaded_exactly_when_libstdcxx_lacks_GLIBCXX_3_4_32()
    {
        var info = TorchRuntime.EnsureLoaded();

        // Independent oracle: ask the dynamic loader itself for the one symbol of that version.
        var expected = LibStdCxxDefines("_ZSt21ios_base_library_initv", "GLIBCXX_3.4.32") ? TorchLoadPath.Original : TorchLoadPath.PatchedCopy;

        Assert.Equal(expected, info.Path);
        if (expected == TorchLoadPath.PatchedCopy)
        {
            Assert.Equal(["GLIBCXX_3.4.32"], info.WeakenedVersions);
            Assert.DoesNotContain("/runtimes/", info.LibTorchSharpFile, StringComparison.Ordinal);
            var needs = ElfVersionTables.ReadNeeds(File.ReadAllBytes(info.LibTorchSharpFile!));
            Assert.True(needs.Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);
            Assert.All(needs.Where(n => n.Version != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));
        }
    }

    private static bool LibStdCxxDefines(string symbol, string version)
    {
        var handle = NativeLibrary.Load("libstdc++.so.6");
        return dlvsym(handle, symbol, version) != IntPtr.Zero;
    }

    [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);
}
