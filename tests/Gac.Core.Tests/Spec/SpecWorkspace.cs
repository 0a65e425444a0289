namespace Gac.Core.Tests.Spec;

/// <summary>
/// A temporary folder holding a gac.yaml and the files it names (an empty model.onnx placeholder,
/// a token file ...). The loader only checks that referenced files exist, so placeholders suffice.
/// </summary>
internal sealed class SpecWorkspace : IDisposable
{
    public SpecWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "gac-spec-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string SpecPath => Path.Combine(Root, "gac.yaml");

    public string File(string relativePath, string content = "")
    {
        var full = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    public string Folder(string relativePath) => Directory.CreateDirectory(Path.Combine(Root, relativePath)).FullName;

    public string WriteSpec(string yaml) => File("gac.yaml", yaml);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over cleanup.
        }
    }
}
