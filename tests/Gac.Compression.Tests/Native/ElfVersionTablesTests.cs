using Gac.Compression.Native;

namespace Gac.Compression.Tests.Native;

public sealed class ElfVersionTablesTests
{
    [Fact]
    public void The_patched_copy_differs_from_the_shipped_library_only_in_the_weak_flag_of_one_entry()
    {
        var info = TorchRuntime.EnsureLoaded();
        if (info.Path != TorchLoadPath.PatchedCopy)
        {
            // On a system with GCC 13's libstdc++ no copy exists; the path assertion lives in TorchRuntimeTests.
            Assert.Empty(info.WeakenedVersions);
            return;
        }
        var original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
        var patched = File.ReadAllBytes(info.LibTorchSharpFile!);

        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();

        var entry = ElfVersionTables.ReadNeeds(original).Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal(original.Length, patched.Length);
        Assert.Equal([(int)entry.FlagsOffset], differing);
        Assert.Equal(original[entry.FlagsOffset] | ElfVersionNeed.WeakFlag, patched[entry.FlagsOffset]);
    }

    [Fact]
    public void Version_needs_of_the_shim_list_libstdcxx_requirements_as_readelf_shows_them()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        var needs = ElfVersionTables.ReadNeeds(File.ReadAllBytes(shipped));

        // readelf -V on TorchSharp 0.107.0's library: 20 libstdc++ entries, 5 needed files in all.
        Assert.Equal(20, needs.Count(n => n.Library == "libstdc++.so.6"));
        Assert.Equal(5, needs.Select(n => n.Library).Distinct().Count());
        Assert.Contains(needs, n => n.Library == "libc.so.6" && n.Version == "GLIBC_2.34");
        Assert.DoesNotContain(needs, n => n.IsWeak);
    }

    [Fact]
    public void Version_definitions_of_the_running_libstdcxx_include_the_base_versions()
    {
        var file = LibStdCxxProbe.LoadedFile();

        Assert.NotNull(file);
        var defined = LibStdCxxProbe.DefinedVersions(file);
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_rejected_as_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() =>
            ElfVersionTables.ReadNeeds("not an elf file at all, just text....................................."u8.ToArray()));
    }
}
