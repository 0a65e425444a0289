namespace Gac.Core.Model.Architectures;

/// <summary>
/// Which layers attend through a sliding window, read as transformers (4.53 and later, where the
/// masks come from masking_utils for every attention implementation) reads it:
/// Mistral: every layer, window sliding_window (4096 when the key is absent, none when null).
/// Qwen2 and Qwen3: only when use_sliding_window; then layer_types when given, else the layers from
/// max_window_layers (default 28) on. Phi-3: every layer when sliding_window is set (default none).
/// Llama has no sliding window.
/// </summary>
internal static class SlidingWindowConfig
{
    private const int TransformersDefaultWindow = 4096;

    public static (int? Window, LayerMask Layers) Read(ConfigFields f, string modelType, int layers)
    {
        switch (modelType)
        {
            case "mistral":
                {
                    var window = f.Has("sliding_window") ? f.OptionalPositiveInt("sliding_window") : TransformersDefaultWindow;
                    return (window, new LayerMask(Enumerable.Repeat(window is not null, layers)));
                }

            case "phi3":
                {
                    // Phi3Config.sliding_window defaults to None; when set, Phi3Model masks every layer with it.
                    var window = f.OptionalPositiveInt("sliding_window");
                    return (window, new LayerMask(Enumerable.Repeat(window is not null, layers)));
                }

            case "qwen2" or "qwen3":
                {
                    var window = f.OptionalBool("use_sliding_window") == true
                        ? (f.Has("sliding_window") ? f.OptionalPositiveInt("sliding_window") : TransformersDefaultWindow)
                        : null;
                    var firstSliding = f.OptionalNonNegativeInt("max_window_layers") ?? 28;
                    var sliding = LayerTypes(f, layers) ?? Enumerable.Range(0, layers).Select(i => i >= firstSliding).ToArray();
                    return (window, new LayerMask(sliding.Select(s => s && window is not null)));
                }

            default:
                return (null, LayerMask.None);
        }
    }

    private static bool[]? LayerTypes(ConfigFields f, int layers)
    {
        if (f.OptionalStringList("layer_types") is not { } types)
        {
            return null;
        }

        if (types.Count != layers)
        {
            throw TransformerConfigReader.Malformed(f.Source, $"\"layer_types\" has {types.Count} entries for {layers} layers (num_hidden_layers).");
        }

        return types.Select(t => t switch
        {
            "full_attention" => false,
            "sliding_attention" => true,
            _ => throw RopeConfigReader.Unsupported(f, "layer_types", $"holds \"{t}\"; supported: full_attention, sliding_attention"),
        }).ToArray();
    }
}
