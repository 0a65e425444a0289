using System.Text.Json;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Text;

/// <summary>
/// The pooling a sentence-transformers model declares in 1_Pooling/config.json (beside the ONNX file or
/// in the checkpoint folder): exactly one of pooling_mode_mean_tokens or pooling_mode_cls_token. Any
/// other mode (max, mean-sqrt-len, weighted-mean, last-token) or a combination is refused (GAC4044)
/// rather than compared with a pooling the model does not use.
/// </summary>
internal static class DeclaredPooling
{
    public static readonly string RelativePath = Path.Combine("1_Pooling", "config.json");

    private static readonly string[] OtherModes =
        ["pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"];

    public static SentencePooling? Beside(string modelPath)
    {
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var config = Path.Combine(folder, RelativePath);
        if (!File.Exists(config))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(config));
            var root = document.RootElement;
            bool Flag(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
            var others = OtherModes.Where(Flag).ToList();
            var (mean, cls) = (Flag("pooling_mode_mean_tokens"), Flag("pooling_mode_cls_token"));
            if (others.Count > 0 || mean == cls)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.PoolingUnsupported,
                    $"'{config}' declares {(others.Count > 0 ? string.Join(" and ", others) : mean ? "both mean and cls pooling" : "no pooling mode")}; " +
                        $"Gac.Build pools with mean or cls only. Set validation.pooling to mean, cls or none.",
                    new SourceLocation(config));
            }

            return mean ? SentencePooling.Mean : SentencePooling.Cls;
        }
        catch (JsonException e)
        {
            throw GacException.Create(DiagnosticCatalogue.PoolingUnsupported, $"'{config}' is not JSON: {e.Message}", new SourceLocation(config), e);
        }
    }
}
