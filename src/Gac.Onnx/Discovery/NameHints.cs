using System.Text.RegularExpressions;
using Gac.Core.Model;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Role guesses from layer names, used only where the graph structure says nothing. The patterns
/// are the module names of common exporters (Hugging Face Llama/BERT/GPT-2/ViT, timm).
/// </summary>
internal static partial class NameHints
{
    public static LinearRole RoleFromName(string name)
    {
        var last = name.Split('.', '/').LastOrDefault(s => s.Length > 0)?.ToLowerInvariant() ?? "";
        return last switch
        {
            "q_proj" or "query" or "q" or "wq" => LinearRole.Query,
            "k_proj" or "key" or "k" or "wk" => LinearRole.Key,
            "v_proj" or "value" or "v" or "wv" => LinearRole.Value,
            "qkv" or "qkv_proj" or "c_attn" or "query_key_value" or "wqkv" => LinearRole.QkvFused,
            "o_proj" or "out_proj" or "wo" => LinearRole.AttentionOutput,
            "proj" or "dense" or "c_proj" when AttentionParent().IsMatch(name) => LinearRole.AttentionOutput,
            "gate_proj" or "w1" or "wi_0" => LinearRole.MlpGate,
            "up_proj" or "fc1" or "w3" or "c_fc" or "intermediate" or "wi_1" or "wi" => LinearRole.MlpUp,
            "down_proj" or "fc2" or "w2" or "wo_mlp" => LinearRole.MlpDown,
            _ => LinearRole.Unknown,
        };
    }

    [GeneratedRegex(@"(^|[./])(attn|attention|self_attn|self_attention)[./]", RegexOptions.IgnoreCase)]
    private static partial Regex AttentionParent();
}
