namespace Gac.Core.Spec.Loading;

/// <summary>Resolves spec paths against the spec's folder, so a build gives the same result from any working directory.</summary>
internal static class SpecPaths
{
    public static bool TryResolve(string text, string baseDirectory, out SpecPath path)
    {
        try
        {
            path = new SpecPath(text, Path.GetFullPath(text, baseDirectory));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            path = new SpecPath(text, text);
            return false;
        }
    }

    /// <summary>A Hugging Face model folder: config.json beside at least one *.safetensors file.</summary>
    public static bool IsHuggingFaceFolder(string folder)
    {
        try
        {
            return File.Exists(Path.Combine(folder, "config.json"))
                && Directory.EnumerateFiles(folder, "*.safetensors").Any();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool IsOnnxFile(string file)
        => File.Exists(file) && file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}
