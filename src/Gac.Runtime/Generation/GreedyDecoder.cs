using Gac.Core.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Runtime.Generation;

/// <summary>
/// Greedy generation with plain ONNX Runtime over a decode-ready language model (input_ids, an
/// optional attention_mask and position_ids, float k/v caches "past…" paired in order with the
/// outputs after "logits"): one prefill of the prompt, then one token per step, the presents fed
/// back as the next past. The reference a generation server (ONNX Runtime GenAI) is checked against,
/// and the loop whose single step the decode latency times. Batch 1, no padding: each prompt alone.
/// </summary>
public sealed class GreedyDecoder
{
    private readonly InferenceSession _session;
    private readonly IReadOnlyList<(string Name, long KvHeads, long HeadDim)> _caches;
    private readonly string _tokens;
    private readonly string? _mask;
    private readonly string? _positions;

    /// <summary>Decodes with a session opened by <see cref="Providers.OrtSessionFactory"/>.</summary>
    public GreedyDecoder(Providers.OrtSession session)
        : this((session ?? throw new ArgumentNullException(nameof(session))).Session)
    {
    }

    public GreedyDecoder(InferenceSession session)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        var inputs = session.InputMetadata;
        var integer = inputs.Where(i => i.Value.ElementDataType == TensorElementType.Int64 && i.Value.Dimensions.Length == 2).Select(i => i.Key).ToList();
        _mask = integer.FirstOrDefault(n => n.Contains("mask", StringComparison.OrdinalIgnoreCase));
        _positions = integer.FirstOrDefault(n => n.Contains("position", StringComparison.OrdinalIgnoreCase));
        var ids = integer.Where(n => n != _mask && n != _positions).ToList();
        _caches = inputs
            .Where(i => i.Value.ElementDataType == TensorElementType.Float && i.Value.Dimensions.Length == 4 && i.Key.StartsWith("past", StringComparison.Ordinal))
            .Select(i => (i.Key, (long)i.Value.Dimensions[1], (long)i.Value.Dimensions[3]))
            .ToList();
        var presents = session.OutputMetadata.Count - 1;
        if (ids.Count != 1 || _caches.Count == 0 || ids.Count + _caches.Count + (_mask is null ? 0 : 1) + (_positions is null ? 0 : 1) != inputs.Count
            || session.OutputNames[0] != "logits" || presents != _caches.Count || _caches.Any(c => c.KvHeads <= 0 || c.HeadDim <= 0))
        {
            throw GacException.Create(
                DiagnosticCatalogue.DecodeGraphUnsupported,
                $"Greedy decoding needs int64 token ids, optionally an attention mask and position ids, and float k/v caches 'past…' [batch, kv_heads, past, head_dim] returned in the same order after 'logits'; the model has inputs {string.Join(", ", inputs.Keys)} and outputs {string.Join(", ", session.OutputNames)}.");
        }

        _tokens = ids[0];
    }

    /// <summary>
    /// The tokens greedy search appends to <paramref name="prompt"/> until the sequence holds
    /// <paramref name="maxLength"/> tokens or an end token is chosen (it is kept, as GenAI keeps it).
    /// </summary>
    public IReadOnlyList<long> Generate(IReadOnlyList<long> prompt, int maxLength, IReadOnlyCollection<long> endTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(endTokens);
        var generated = new List<long>();
        var (logits, past) = Step([.. prompt], 0, null);
        try
        {
            while (prompt.Count + generated.Count < maxLength)
            {
                var next = ArgMax(logits);
                generated.Add(next);
                if (endTokens.Contains(next) || prompt.Count + generated.Count >= maxLength)
                {
                    break;
                }

                var previous = past;
                (logits, past) = Step([next], prompt.Count + generated.Count - 1, past);
                previous.ForEach(p => p.Dispose());
            }
        }
        finally
        {
            past.ForEach(p => p.Dispose());
        }

        return generated;
    }

    /// <summary>
    /// The cache after a prefill of <paramref name="prompt"/>: what a decode step at context
    /// prompt.Count reads. The caller owns (disposes) the values.
    /// </summary>
    public List<OrtValue> Prefill(IReadOnlyList<long> prompt) => Step([.. prompt], 0, null).Past;

    /// <summary>One decode step of <paramref name="token"/> at position past length over <paramref name="past"/>; its presents disposed.</summary>
    public float[] DecodeStep(long token, int pastLength, IReadOnlyList<OrtValue> past)
    {
        var (logits, presents) = Step([token], pastLength, past);
        presents.ForEach(p => p.Dispose());
        return logits;
    }

    /// <summary>The last position's logits and the presents, for tokens at positions start … start + n − 1.</summary>
    private (float[] Logits, List<OrtValue> Past) Step(long[] tokens, int start, IReadOnlyList<OrtValue>? past)
    {
        var names = new List<string> { _tokens };
        var owned = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(tokens, [1, tokens.Length]) };
        if (_mask is not null)
        {
            names.Add(_mask);
            owned.Add(OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, start + tokens.Length).ToArray(), [1, start + tokens.Length]));
        }

        if (_positions is not null)
        {
            names.Add(_positions);
            owned.Add(OrtValue.CreateTensorValueFromMemory(Enumerable.Range(start, tokens.Length).Select(p => (long)p).ToArray(), [1, tokens.Length]));
        }

        var values = new List<OrtValue>(owned);
        for (var i = 0; i < _caches.Count; i++)
        {
            names.Add(_caches[i].Name);
            if (past is null)
            {
                var empty = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [1, _caches[i].KvHeads, 0, _caches[i].HeadDim]);
                owned.Add(empty);
                values.Add(empty);
            }
            else
            {
                values.Add(past[i]);
            }
        }

        try
        {
            using var options = new RunOptions();
            var outputs = _session.Run(options, names, values, _session.OutputNames);
            using var logits = outputs[0];
            var all = logits.GetTensorDataAsSpan<float>();
            var vocabulary = (int)logits.GetTensorTypeAndShape().Shape[^1];
            var last = all[^vocabulary..].ToArray();
            return (last, outputs.Skip(1).ToList());
        }
        finally
        {
            owned.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The first index of the largest logit (ties to the lower id, as argmax in GenAI and PyTorch).</summary>
    private static long ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
