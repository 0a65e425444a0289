using Gac.Integration.Tests.Support;

namespace Gac.Integration.Tests;

/// <summary>The packed gac-build dotnet tool installs from the local feed into a tool manifest and runs.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class GacBuildToolPackageTests(PackedFeed feed)
{
    /// <summary>nuget.org refuses larger packages (its documented limit is 250 MB; counted here in decimal megabytes, the stricter reading).</summary>
    private const long NuGetOrgPackageLimitBytes = 250L * 1000 * 1000;

    [Fact]
    public void Every_package_pack_sh_writes_fits_the_nuget_org_size_limit()
    {
        var packages = Directory.GetFiles(feed.FeedDirectory, "*.nupkg");

        Assert.Contains(packages, p => Path.GetFileName(p).StartsWith("gac-build.", StringComparison.Ordinal));
        Assert.Contains(packages, p => Path.GetFileName(p).StartsWith("Gac.Build.", StringComparison.Ordinal));
        Assert.All(packages, p => Assert.True(new FileInfo(p).Length <= NuGetOrgPackageLimitBytes,
            $"{Path.GetFileName(p)} is {new FileInfo(p).Length:N0} bytes"));
    }

    [Fact]
    public void The_restored_tool_loads_its_native_libraries_from_the_package_cache_and_runs_the_bundled_example()
    {
        var directory = feed.NewScenarioDirectory("tool-run");
        var example = Path.Combine(directory, "example");
        Directory.CreateDirectory(example);
        Directory.CreateDirectory(Path.Combine(directory, "models"));
        File.Copy(RepositoryLayout.PathOf("examples/csproj-gac/gac.yaml"), Path.Combine(example, "gac.yaml"));
        File.Copy(RepositoryLayout.PathOf("examples/models/tiny-transformer.onnx"), Path.Combine(directory, "models", "tiny-transformer.onnx"));
        // The user's set-up: gac-build from the local feed, everything else (the native packages too) from nuget.org.
        File.WriteAllText(Path.Combine(example, "nuget.config"), ConsumerProject.NuGetConfig(feed.FeedDirectory));

        Succeeds(feed.Dotnet("new tool-manifest", example));
        Succeeds(feed.Dotnet($"tool install gac-build --version {feed.Version}", example));
        var run = Succeeds(feed.Dotnet("tool run gac-build -- run gac.yaml", example));

        Assert.Contains("accepted: wrote", run, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(example, "out", "tiny-transformer.gac.onnx")), run);
        // The natives came from the package cache, at the versions the build references, not from the tool package.
        var tool = Directory.GetDirectories(Path.Combine(feed.PackagesDirectory, "gac-build")).Single();
        Assert.Empty(Directory.GetFiles(tool, "libtorch_cpu.so", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(tool, "libonnxruntime*.so", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(tool, "libLibTorchSharp.so", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(feed.PackagesDirectory, "libtorch-cpu-linux-x64", NativeVersion("GacLibTorchCpuVersion"),
            "runtimes/linux-x64/native/libtorch_cpu.so")));
        Assert.True(File.Exists(Path.Combine(feed.PackagesDirectory, "microsoft.ml.onnxruntime.gpu.linux", NativeVersion("GacOnnxRuntimeGpuVersion"),
            "runtimes/linux-x64/native/libonnxruntime_providers_cuda.so")));
    }

    [Fact]
    public void The_tool_installs_into_a_local_manifest_and_runs_help_and_explain()
    {
        var directory = feed.NewScenarioDirectory("tool");
        // `--add-source` cannot be combined with package source mapping, so this folder's nuget.config has no sources.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");

        Succeeds(feed.Dotnet("new tool-manifest", directory));
        Succeeds(feed.Dotnet($"tool install gac-build --add-source \"{feed.FeedDirectory}\" --version {feed.Version}", directory));

        // Without "--", `dotnet tool run` answers --help itself; `dotnet gac-build --help` needs no separator.
        var help = Succeeds(feed.Dotnet("tool run gac-build -- --help", directory));
        Assert.Contains($"gac-build {feed.Version}", help, StringComparison.Ordinal);
        Assert.Contains("gac-build [command] [options]", help, StringComparison.Ordinal);

        var explain = Succeeds(feed.Dotnet("tool run gac-build explain GAC9002", directory));
        Assert.Contains("GAC9002", explain, StringComparison.Ordinal);
        Assert.Contains("fix:", explain, StringComparison.Ordinal);
    }

    private static string NativeVersion(string property)
        => System.Xml.Linq.XDocument.Load(RepositoryLayout.PathOf("Directory.Packages.props")).Descendants(property).Single().Value.Trim();

    private static string Succeeds(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output;
    }
}
