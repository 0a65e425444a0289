using System.Globalization;

namespace GenAiChat;

/// <summary>genai-chat &lt;model-folder&gt; [--max-length N] [--provider cpu|cuda] [--json] &lt;prompt&gt;…</summary>
internal sealed record ChatOptions(string ModelFolder, IReadOnlyList<string> Prompts, int MaxLength, string Provider, bool Json)
{
    private const string Usage = "usage: genai-chat <model-folder> [--max-length N] [--provider cpu|cuda] [--json] <prompt>...";

    public static bool TryParse(string[] args, out ChatOptions options, out string usage)
    {
        usage = Usage;
        options = new ChatOptions(string.Empty, [], 64, "cpu", false);
        var prompts = new List<string>();
        string? folder = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--max-length" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > 0:
                    options = options with { MaxLength = length };
                    i++;
                    break;
                case "--provider" when i + 1 < args.Length && args[i + 1] is "cpu" or "cuda":
                    options = options with { Provider = args[++i] };
                    break;
                case "--json":
                    options = options with { Json = true };
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    usage = $"genai-chat: unknown or incomplete option '{flag}'\n{Usage}";
                    return false;
                default:
                    if (folder is null)
                    {
                        folder = args[i];
                    }
                    else
                    {
                        prompts.Add(args[i]);
                    }

                    break;
            }
        }

        if (folder is null || prompts.Count == 0)
        {
            return false;
        }

        options = options with { ModelFolder = folder, Prompts = prompts };
        return true;
    }
}
