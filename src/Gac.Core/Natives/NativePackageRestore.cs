using System.Globalization;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Natives;

/// <summary>
/// Finds the native packages the tool package leaves out in the NuGet package cache, restoring them
/// there on first use with `dotnet restore` of a generated project (PackageDownload items, exact
/// versions). The restore reads the nuget.config nearest the current folder, so a project's own feeds
/// and source mapping apply, as they did for `dotnet tool restore`. Thread-safe; one restore per process.
/// </summary>
public static class NativePackageRestore
{
    /// <summary>How long one restore may take: both packages are ~370 MB to download and extract.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    private static readonly Lock Gate = new();
    private static string? _restoredRoot;

    /// <summary>
    /// The native folder of <paramref name="package"/>, restoring every missing package of
    /// <see cref="NativePackage.All"/> when it is absent. Throws GAC4060 when the restore fails and
    /// GAC4061 when it succeeds but the natives are still not there.
    /// </summary>
    public static string NativeFolder(NativePackage package)
    {
        lock (Gate)
        {
            var root = _restoredRoot ?? DefaultPackagesRoot();
            if (package.IsRestoredUnder(root))
            {
                return package.NativeFolder(root);
            }

            root = Restore(NativePackage.All.Where(p => !p.IsRestoredUnder(root)).ToArray(), Directory.GetCurrentDirectory());
            _restoredRoot = root;
            if (!package.IsRestoredUnder(root))
            {
                throw GacException.Create(
                    DiagnosticCatalogue.NativePackageIncomplete,
                    $"{package} was restored into '{root}', but {Path.Combine(package.NativeFolder(root), package.MarkerFile)} is missing.");
            }

            return package.NativeFolder(root);
        }
    }

    /// <summary>NUGET_PACKAGES when set, else ~/.nuget/packages: where NuGet extracts packages by default.</summary>
    public static string DefaultPackagesRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrWhiteSpace(overridden)
            ? Path.GetFullPath(overridden)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>
    /// Restores <paramref name="packages"/> with the nuget.config nearest <paramref name="startFolder"/>
    /// and returns the global packages folder NuGet used (from the generated project's assets file).
    /// </summary>
    public static string Restore(IReadOnlyList<NativePackage> packages, string startFolder)
    {
        var project = RestoreProject.Write(packages);
        var config = NearestNuGetConfig(startFolder);
        var arguments = new StringBuilder($"restore \"{project}\" -nologo -v:q");
        if (config is not null)
        {
            arguments.Append(CultureInfo.InvariantCulture, $" --configfile \"{config}\"");
        }

        Console.Error.WriteLine($"gac-build: first use: restoring {string.Join(" and ", packages)} (native libraries) into the NuGet package " +
            $"cache{(config is null ? "" : $" with {config}")}.");
        var folder = Path.GetDirectoryName(project)!;
        try
        {
            var (exitCode, output) = RunDotnet(arguments.ToString(), folder);
            if (exitCode != 0)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.NativePackageRestoreFailed,
                    $"`dotnet {arguments}` failed (exit code {exitCode}) restoring " +
                        $"{string.Join(", ", packages)}{(config is null ? " with the user's default NuGet settings" : $" with {config}")}: {Tail(output)}");
            }

            return RestoreProject.PackagesFolder(project);
        }
        finally
        {
            TryDelete(folder);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless; never fail a run over it.
        }
    }

    /// <summary>nuget.config (any casing NuGet accepts) in <paramref name="startFolder"/> or the nearest folder above it.</summary>
    public static string? NearestNuGetConfig(string startFolder)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(startFolder)); folder is not null; folder = folder.Parent)
        {
            foreach (var name in new[] { "nuget.config", "NuGet.config", "NuGet.Config" })
            {
                var candidate = Path.Combine(folder.FullName, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The dotnet host running this process when it is one (a tool runs under it), else dotnet on PATH.</summary>
    internal static string DotnetExecutable()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrWhiteSpace(host) && File.Exists(host))
        {
            return host;
        }

        var process = Environment.ProcessPath;
        return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
    }

    private static (int ExitCode, string Output) RunDotnet(string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetExecutable(), arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under <GacCompress> the tool inherits the build's MSBuild variables (project paths, SDK
        // resolver state); the restore is its own build and must not see them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        // An MSBuild node that outlives the restore would keep the calling build's console open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        try
        {
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"timed out after {Timeout.TotalMinutes:0} minutes. {output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return (process.ExitCode, output.ToString());
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"could not start {start.FileName}: {e.Message}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(6));
    }

    /// <summary>The generated project: PackageDownload items only (no build, no dependencies of its own).</summary>
    private static class RestoreProject
    {
        public static string Write(IReadOnlyList<NativePackage> packages)
        {
            var folder = Path.Combine(Path.GetTempPath(), "gac-build-native-restore-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(folder);
            // Empty Directory.*.props/targets stop MSBuild from importing unrelated ones above the temp folder.
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.WriteAllText(Path.Combine(folder, name), "<Project />\n");
            }

            var downloads = string.Join("\n", packages.Select(p => $"    <PackageDownload Include=\"{p.Id}\" Version=\"[{p.Version}]\" />"));
            var project = Path.Combine(folder, "gac-build-natives.csproj");
            File.WriteAllText(project, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                  <ItemGroup>
                {downloads}
                  </ItemGroup>
                </Project>

                """);
            return project;
        }

        /// <summary>The first entry of the assets file's packageFolders: the global packages folder NuGet extracted into.</summary>
        public static string PackagesFolder(string project)
        {
            var assets = Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");
            using var document = JsonDocument.Parse(File.ReadAllBytes(assets));
            var folder = document.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
            return Path.GetFullPath(folder);
        }
    }
}
