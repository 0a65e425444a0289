using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tests.TestSupport;

/// <summary>
/// A temporary project folder with a copy of the fake gac-build script (FakeTool/fake-gac-build.sh) whose
/// behaviour each test scripts through directive lines in its gac.yaml. Deleted on dispose.
/// </summary>
public sealed class FakeToolWorkspace : IDisposable
{
    public FakeToolWorkspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gac-tasks-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        ToolPath = Path.Combine(Directory, "fake-gac-build.sh");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "FakeTool", "fake-gac-build.sh"), ToolPath);
        MakeExecutable(ToolPath);
    }

    public string Directory { get; }

    public string ToolPath { get; }

    /// <summary>Every invocation of the fake tool, one line each: "command spec args".</summary>
    public IReadOnlyList<string> Invocations =>
        File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    private string LogPath => Path.Combine(Directory, "fake-gac-build.log");

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes gac.yaml with the given fake-tool directives (see the script's header).</summary>
    public TaskItem Spec(params string[] directives) =>
        new(Write("gac.yaml", string.Join('\n', directives.Select(d => "# fake " + d)) + "\nmodel: model.onnx\n"));

    /// <summary>The fake tools are shell scripts: the tests run where a POSIX shell does (Linux CI, this machine).</summary>
    public static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test on cleanup.
        }
    }
}
