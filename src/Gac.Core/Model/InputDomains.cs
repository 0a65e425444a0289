namespace Gac.Core.Model;

/// <summary>What a generated integer input holds so that the model accepts it.</summary>
public enum IntegerInputKind
{
    /// <summary>Ids drawn uniformly below the row count of the table the input indexes (token ids).</summary>
    Ids,

    /// <summary>All 0: token-type / segment ids (one segment, BERT's sentence A).</summary>
    Zeros,

    /// <summary>All 1: an attention mask with no padding.</summary>
    Ones,

    /// <summary>0 … n−1 along the last axis: position ids as Hugging Face models build them when none are given.</summary>
    Positions,
}

/// <param name="Input">The graph input.</param>
/// <param name="Kind">What its generated values are.</param>
/// <param name="Rows">Rows of the smallest table it indexes (Gather data along the gathered axis); 0 when it indexes none.</param>
/// <param name="Table">That table's name, for messages; empty when there is none.</param>
public sealed record IntegerInputDomain(string Input, IntegerInputKind Kind, long Rows, string Table)
{
    /// <summary>
    /// The kind an input's name declares, by the names Hugging Face, Optimum and PyTorch exports use
    /// (attention_mask, token_type_ids / segment_ids, position_ids); anything else holds ids.
    /// </summary>
    public static IntegerInputKind KindFromName(string input)
        => input.Contains("mask", StringComparison.OrdinalIgnoreCase) ? IntegerInputKind.Ones
            : input.Contains("token_type", StringComparison.OrdinalIgnoreCase) || input.Contains("segment", StringComparison.OrdinalIgnoreCase)
                ? IntegerInputKind.Zeros
            : input.Contains("position", StringComparison.OrdinalIgnoreCase) ? IntegerInputKind.Positions
            : IntegerInputKind.Ids;
}

/// <summary>
/// The value domains of a model's integer inputs, read from its graph, so that generated inputs are
/// valid by construction: ids stay below the row count of the table they index.
/// </summary>
public sealed class InputDomains
{
    private readonly Dictionary<string, IntegerInputDomain> _byInput;

    public InputDomains(IEnumerable<IntegerInputDomain> domains)
    {
        _byInput = domains.ToDictionary(d => d.Input, StringComparer.Ordinal);
    }

    /// <summary>No integer input known: generating one is refused (its valid range is unknown).</summary>
    public static InputDomains None { get; } = new([]);

    public IReadOnlyCollection<IntegerInputDomain> All => _byInput.Values;

    /// <summary>
    /// For callers that know the vocabulary but not the graph (tests, tools): every integer input
    /// gets the kind its name declares and ids below <paramref name="vocabulary"/>.
    /// </summary>
    public static InputDomains WithVocabulary(IEnumerable<string> integerInputs, long vocabulary)
        => new(integerInputs.Select(i => new IntegerInputDomain(i, IntegerInputDomain.KindFromName(i), vocabulary, "vocabulary")));

    public IntegerInputDomain? For(string input) => _byInput.GetValueOrDefault(input);
}
