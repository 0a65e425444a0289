namespace Gac.Pipeline.Tests;

/// <summary>
/// ONNX Runtime lives in Gac.Runtime only (ARCHITECTURE.md): Gac.Pipeline feeds and reads models
/// through Gac.Runtime's own types, so every run goes through <c>OrtSession.Run</c> and its error
/// mapping. Gac.Pipeline references Gac.Runtime, which makes ONNX Runtime's types reachable; this
/// keeps its sources from using them.
/// </summary>
public sealed class OnnxRuntimeBoundaryTests
{
    [Fact]
    public void No_Gac_Pipeline_source_uses_ONNX_Runtime()
    {
        var sources = Path.Combine(RepositoryRoot(), "src", "Gac.Pipeline");
        var files = Directory.EnumerateFiles(sources, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var offenders = files.Where(f => File.ReadAllText(f).Contains("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(sources, f))
            .ToList();

        Assert.True(files.Count > 20, $"only {files.Count} sources found under {sources}");
        Assert.True(offenders.Count == 0, $"ONNX Runtime used in Gac.Pipeline: {string.Join(", ", offenders)}");
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Gac.Build.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new DirectoryNotFoundException("Gac.Build.sln not found above the test assembly.");
    }
}
