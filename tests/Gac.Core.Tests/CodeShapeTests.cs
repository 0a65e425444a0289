using Gac.Core.Tests.Diagnostics;

namespace Gac.Core.Tests;

/// <summary>
/// The two code-style limits no compiler diagnostic checks (.editorconfig's max_line_length is only
/// guidance to editors): lines of C# stay within 160 characters, and files under src/ within 400 lines.
/// </summary>
public sealed class CodeShapeTests
{
    private const int MaxLineLength = 160;
    private const int MaxSourceFileLines = 400;

    [Fact]
    public void No_line_of_csharp_is_longer_than_160_characters()
    {
        var longLines = CSharpFiles("src", "tests", "build")
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (file, line: index + 1, text.Length)))
            .Where(l => l.Length > MaxLineLength)
            .Select(l => $"{Relative(l.file)}:{l.line} has {l.Length} characters")
            .ToList();

        Assert.True(longLines.Count == 0, $"{longLines.Count} line(s) over {MaxLineLength} characters; wrap them:\n{string.Join('\n', longLines)}");
    }

    [Fact]
    public void No_source_file_is_longer_than_400_lines()
    {
        var longFiles = CSharpFiles("src")
            .Select(file => (file, lines: File.ReadLines(file).Count()))
            .Where(f => f.lines > MaxSourceFileLines)
            .Select(f => $"{Relative(f.file)} has {f.lines} lines")
            .ToList();

        Assert.True(longFiles.Count == 0, $"{longFiles.Count} file(s) over {MaxSourceFileLines} lines; split them:\n{string.Join('\n', longFiles)}");
    }

    [Fact]
    public void The_scan_sees_the_source_tree()
    {
        // Guards the two checks above against passing vacuously on a wrong root or an empty scan.
        var files = CSharpFiles("src", "tests").ToList();
        Assert.Contains(files, f => f.EndsWith(Path.Combine("tests", "Gac.Core.Tests", "CodeShapeTests.cs"), StringComparison.Ordinal));
        Assert.True(files.Count > 100, $"only {files.Count} C# files found under src/ and tests/");
    }

    private static string Root => DiagnosticCatalogueTests.RepositoryRoot();

    private static string Relative(string path) => Path.GetRelativePath(Root, path);

    // Generated code (obj/) and build outputs (bin/) are not ours to wrap.
    private static IEnumerable<string> CSharpFiles(params string[] folders) =>
        folders
            .Select(folder => Path.Combine(Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(file => !Relative(file).Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"));
}
