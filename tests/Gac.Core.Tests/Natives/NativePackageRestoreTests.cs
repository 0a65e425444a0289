using System.IO.Compression;
using Gac.Core.Diagnostics;
using Gac.Core.Natives;

namespace Gac.Core.Tests.Natives;

/// <summary>
/// The first-use restore of the natives the tool package leaves out, run for real with `dotnet restore`
/// against a folder feed holding a small hand-made package (no network, a few seconds).
/// </summary>
public sealed class NativePackageRestoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gac-native-restore-test-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void The_recorded_versions_are_the_ones_the_build_references()
    {
        // Directory.Packages.props is the single source; the test reads it as a document, not through the build.
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Packages.props"));
        string Property(string name) => props.Descendants(name).Single().Value.Trim();

        Assert.Equal(Property("GacLibTorchCpuVersion"), NativePackage.LibTorchCpu.Version);
        Assert.Equal(Property("GacOnnxRuntimeGpuVersion"), NativePackage.OnnxRuntimeGpu.Version);
        Assert.Equal("libtorch-cpu-linux-x64", NativePackage.LibTorchCpu.Id);
        Assert.Equal("Microsoft.ML.OnnxRuntime.Gpu.Linux", NativePackage.OnnxRuntimeGpu.Id);
    }

    [Fact]
    public void The_native_folder_follows_the_global_packages_layout_with_lower_cased_ids()
    {
        var folder = NativePackage.OnnxRuntimeGpu.NativeFolder("/cache");

        Assert.Equal(Path.Combine("/cache", "microsoft.ml.onnxruntime.gpu.linux", NativePackage.OnnxRuntimeGpu.Version, "runtimes/linux-x64/native"), folder);
    }

    [Fact]
    public void A_missing_package_is_restored_from_the_feed_the_nearest_nuget_config_names()
    {
        var package = new NativePackage("Gac.Test.FakeNative", "1.2.3", "libfake.so");
        var feed = Path.Combine(_root, "feed");
        WriteNupkg(feed, package, "fake native bytes");
        var project = Path.Combine(_root, "project", "sub");
        Directory.CreateDirectory(project);
        WriteNuGetConfig(Path.Combine(_root, "project"), feed, Path.Combine(_root, "packages"));

        var packagesRoot = NativePackageRestore.Restore([package], project);

        Assert.True(package.IsRestoredUnder(packagesRoot), packagesRoot);
        Assert.Equal("fake native bytes", File.ReadAllText(Path.Combine(package.NativeFolder(packagesRoot), "libfake.so")));
    }

    [Fact]
    public void A_feed_without_the_package_is_GAC4060_naming_the_package_and_the_config()
    {
        var package = new NativePackage("Gac.Test.AbsentNative", "9.9.9", "libabsent.so");
        var feed = Path.Combine(_root, "empty-feed");
        Directory.CreateDirectory(feed);
        WriteNuGetConfig(_root, feed, Path.Combine(_root, "packages"));

        var error = Assert.Throws<GacException>(() => NativePackageRestore.Restore([package], _root));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("GAC4060", diagnostic.Descriptor.Code);
        Assert.Contains("Gac.Test.AbsentNative 9.9.9", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "nuget.config"), diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nearest_nuget_config_is_found_above_the_start_folder_and_none_is_null()
    {
        var nested = Path.Combine(_root, "a", "b");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(_root, "a", "nuget.config"), "<configuration />");

        Assert.Equal(Path.Combine(_root, "a", "nuget.config"), NativePackageRestore.NearestNuGetConfig(nested));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }

    private static void WriteNuGetConfig(string folder, string feed, string globalPackages)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <configuration>
              <config><add key="globalPackagesFolder" value="{globalPackages}" /></config>
              <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
            </configuration>
            """);
    }

    /// <summary>A nupkg is a zip with a nuspec at its root; NuGet accepts unsigned packages from a folder feed.</summary>
    private static void WriteNupkg(string feed, NativePackage package, string nativeContent)
    {
        Directory.CreateDirectory(feed);
        using var zip = ZipFile.Open(Path.Combine(feed, $"{package.Id}.{package.Version}.nupkg"), ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry($"{package.Id}.nuspec").Open()))
        {
            writer.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata><id>{package.Id}</id><version>{package.Version}</version><authors>test</authors><description>test</description></metadata>
                </package>
                """);
        }

        using var native = new StreamWriter(zip.CreateEntry($"{NativePackage.NativeSubfolder}/{package.MarkerFile}").Open());
        native.Write(nativeContent);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found");
    }
}
