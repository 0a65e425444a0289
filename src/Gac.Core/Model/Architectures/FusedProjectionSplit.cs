using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// Presents a Phi-3 checkpoint, which stores attention and MLP projections fused, as the separate
/// Llama projections, so the export, discovery and every compressor see ordinary q/k/v and
/// gate/up linear layers. transformers' modeling_phi3 fixes the layouts (nn.Linear [out, in], so
/// each part is a block of rows):
/// <list type="bullet">
/// <item>self_attn.qkv_proj [Q + 2·KV, hidden]: q = rows [0, Q), k = [Q, Q + KV), v = [Q + KV, Q + 2·KV)
/// (Phi3Attention slices qkv[..., :query_pos], then the next KV columns, then the rest);</item>
/// <item>mlp.gate_up_proj [2·I, hidden]: gate = rows [0, I), up = [I, 2·I) (Phi3MLP: gate, up = chunk(2, dim=-1),
/// output up · act(gate)).</item>
/// </list>
/// Every other tensor passes through. The last fused tensor read is kept, so q, k and v cost one read.
/// </summary>
public sealed class FusedProjectionSplit : ICheckpointTensors
{
    /// <summary>Phi-3's fused attention input projection (q, k, v stacked by rows).</summary>
    public const string QkvProjection = "qkv_proj";

    /// <summary>Phi-3's fused MLP input projection (gate, then up, stacked by rows).</summary>
    public const string GateUpProjection = "gate_up_proj";

    private readonly ICheckpointTensors _fused;
    private readonly Dictionary<string, (string Fused, long FirstRow, long Rows, long[] FusedShape)> _parts = new(StringComparer.Ordinal);
    private (string Name, float[] Values)? _lastFused;

    public FusedProjectionSplit(TransformerConfig config, ICheckpointTensors fused, CheckpointTensorNames? names = null)
    {
        _fused = fused;
        names ??= CheckpointTensorNames.For(config.Family);
        long q = config.QueryWidth, kv = config.KeyValueWidth, inner = config.IntermediateSize, h = config.HiddenSize;
        for (var i = 0; i < config.Layers; i++)
        {
            var qkv = names.AttentionLinear(i, QkvProjection) + ".weight";
            long[] qkvShape = [q + (2 * kv), h];
            _parts[names.AttentionLinear(i, "q_proj") + ".weight"] = (qkv, 0, q, qkvShape);
            _parts[names.AttentionLinear(i, "k_proj") + ".weight"] = (qkv, q, kv, qkvShape);
            _parts[names.AttentionLinear(i, "v_proj") + ".weight"] = (qkv, q + kv, kv, qkvShape);
            var gateUp = names.MlpLinear(i, GateUpProjection) + ".weight";
            long[] gateUpShape = [2 * inner, h];
            _parts[names.MlpLinear(i, "gate_proj") + ".weight"] = (gateUp, 0, inner, gateUpShape);
            _parts[names.MlpLinear(i, "up_proj") + ".weight"] = (gateUp, inner, inner, gateUpShape);
        }
    }

    public string Source => _fused.Source;

    public bool Contains(string name) => _parts.TryGetValue(name, out var part) ? _fused.Contains(part.Fused) : _fused.Contains(name);

    public IReadOnlyList<long> Shape(string name)
    {
        if (!_parts.TryGetValue(name, out var part))
        {
            return _fused.Shape(name);
        }

        var fusedShape = CheckedShape(part.Fused, part.FusedShape);
        return [part.Rows, fusedShape[1]];
    }

    public float[] ReadFloat32(string name)
    {
        if (!_parts.TryGetValue(name, out var part))
        {
            return _fused.ReadFloat32(name);
        }

        var columns = CheckedShape(part.Fused, part.FusedShape)[1];
        if (_lastFused is not { } last || last.Name != part.Fused)
        {
            last = (part.Fused, _fused.ReadFloat32(part.Fused));
            _lastFused = last;
        }

        // Row-major [out, in]: a block of rows is one contiguous span.
        return last.Values.AsSpan((int)(part.FirstRow * columns), (int)(part.Rows * columns)).ToArray();
    }

    /// <summary>Slicing a fused tensor of the wrong shape would hand out another projection's rows (GAC1207).</summary>
    private IReadOnlyList<long> CheckedShape(string fused, long[] expected)
    {
        if (!_fused.Contains(fused))
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointTensorMissing, $"The checkpoint '{_fused.Source}' has no tensor '{fused}' (phi3 stores " +
                $"its projections fused).", new SourceLocation(_fused.Source));
        }

        var shape = _fused.Shape(fused);
        return shape.SequenceEqual(expected)
            ? shape
            : throw GacException.Create(
                DiagnosticCatalogue.CheckpointTensorMissing,
                $"Tensor '{fused}' in '{_fused.Source}' is [{string.Join(", ", shape)}]; config.json implies [{string.Join(", ", expected)}].",
                new SourceLocation(_fused.Source));
    }
}
