using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Pipeline.Steps;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Text;

/// <summary>What one graph input receives when the model is fed text.</summary>
public enum TextInputRole
{
    /// <summary>The token ids.</summary>
    TokenIds,

    /// <summary>1 on tokens, 0 on padding (HF attention_mask).</summary>
    AttentionMask,

    /// <summary>All 0: one segment (HF token_type_ids, BERT's sentence A).</summary>
    TokenTypes,

    /// <summary>0 … seq−1 on every row, as HF BERT and Llama build position ids when none are given.</summary>
    Positions,

    /// <summary>A language model's k/v-cache input, fed empty (a prefill).</summary>
    EmptyCache,
}

/// <summary>
/// How a model's inputs are fed from text, told from the graph: a language model returns "logits"
/// and reads running text; any other model with int64 [batch, seq] inputs is an encoder and reads
/// sentences. Inputs are matched by the names Hugging Face and Optimum exports use; an input none
/// of them fits is refused (GAC4043), not guessed.
/// </summary>
public sealed record TextInputs(bool IsLanguageModel, IReadOnlyDictionary<string, TextInputRole> Roles)
{
    public string TokenIds => Roles.Single(r => r.Value == TextInputRole.TokenIds).Key;

    public string? AttentionMask => Roles.Where(r => r.Value == TextInputRole.AttentionMask).Select(r => r.Key).FirstOrDefault();

    public static TextInputs Of(SessionSignature session)
    {
        var isLanguageModel = session.HasOutput(Runtime.Fidelity.FidelityEvaluator.LogitsOutput);
        var roles = new Dictionary<string, TextInputRole>(StringComparer.Ordinal);
        foreach (var metadata in session.Inputs)
        {
            var name = metadata.Name;
            roles[name] = RoleOf(name, metadata, isLanguageModel)
                ?? throw Unrecognised(session, $"the input '{name}' ({metadata.Element}, rank {metadata.Rank}) is none of token ids, attention mask, token " +
                    $"types, position ids{(isLanguageModel ? " or a k/v cache" : string.Empty)}");
        }

        var ids = roles.Count(r => r.Value == TextInputRole.TokenIds);
        if (ids != 1)
        {
            throw Unrecognised(session, ids == 0 ? "no input takes the token ids" : $"{ids} inputs could take the token ids " +
                $"({string.Join(", ", roles.Where(r => r.Value == TextInputRole.TokenIds).Select(r => r.Key))})");
        }

        if (!isLanguageModel && !roles.ContainsValue(TextInputRole.AttentionMask))
        {
            throw Unrecognised(session, "it returns no \"logits\" (so it is read as an encoder) and has no attention-mask input to mark each sentence's " +
                "padding");
        }

        return new TextInputs(isLanguageModel, roles);
    }

    private static TextInputRole? RoleOf(string name, SessionInput metadata, bool isLanguageModel)
    {
        if (metadata.Element is OnnxDataType.Float or OnnxDataType.Float16)
        {
            return isLanguageModel && metadata.SymbolicDimensions.Any(d => !string.IsNullOrEmpty(d) && ShapeBuckets.IsPastLength(d)) ? TextInputRole.EmptyCache
                : null;
        }

        if (metadata.Element != OnnxDataType.Int64 || metadata.Rank != 2)
        {
            return null;
        }

        return name.Contains("mask", StringComparison.OrdinalIgnoreCase) ? TextInputRole.AttentionMask
            : name.Contains("token_type", StringComparison.OrdinalIgnoreCase) || name.Contains("segment", StringComparison.OrdinalIgnoreCase)
                ? TextInputRole.TokenTypes
            : name.Contains("position", StringComparison.OrdinalIgnoreCase) ? TextInputRole.Positions
            : TextInputRole.TokenIds;
    }

    private static GacException Unrecognised(SessionSignature session, string why)
        => GacException.Create(
            DiagnosticCatalogue.TextInputsUnrecognised,
            $"calibration.text cannot feed this model: {why}. Its inputs are {session.Describe()}.");
}
