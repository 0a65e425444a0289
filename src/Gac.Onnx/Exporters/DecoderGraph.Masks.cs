using Gac.Onnx.Building;

namespace Gac.Onnx.Exporters;

/// <summary>Positions and the additive attention masks (causal, sliding window, padding) of the decoder graph.</summary>
internal sealed partial class DecoderGraph
{
    /// <summary>
    /// Positions from the input length and, with a cache, the past length; the causal mask and,
    /// when a layer slides, the sliding-window mask (transformers' masking_utils: key k is visible
    /// to query q when k ≤ q and k &gt; q − window).
    /// </summary>
    private void BuildSequencePositions()
    {
        var shape = Builder.Node("Shape", [InputIds], "sequence/Shape");
        var vector = Builder.Node("Slice", [shape, Int64s("const.one", 1), Int64s("const.two", 2)], "sequence/Slice");
        var scalar = Builder.Node("Squeeze", [vector], "sequence/Squeeze");
        SequenceLength = (scalar, vector);
        TotalLength = scalar;
        var keyPositions = PositionIds = Builder.Node("Range", [Int64Scalar("const.zero.i64", 0), scalar, Int64Scalar("const.one.i64", 1)], "positions/Range");
        if (HasPast)
        {
            // The cache length is axis 2 of any past input; all layers hold the same prefix.
            var pastShape = Builder.Node("Shape", [CheckpointExport.PastKeyName(0)], "past/Shape");
            var pastVector = Builder.Node("Slice", [pastShape, Int64s("const.two", 2), Int64s("const.three", 3)], "past/Slice");
            var past = Builder.Node("Squeeze", [pastVector], "past/Squeeze");
            var total = TotalLength = Builder.Node("Add", [past, scalar], "past/Add_sequence");
            PositionIds = Builder.Node("Range", [past, total, Int64Scalar("const.one.i64", 1)], "positions/Range_past");
            keyPositions = Builder.Node("Range", [Int64Scalar("const.zero.i64", 0), total, Int64Scalar("const.one.i64", 1)], "positions/Range_keys");
        }

        // Causality and the sliding window are by cache slot (transformers' cache_position), not by
        // position id: a left-padded row's tokens sit in later slots than their positions say.
        var slots = PositionIds;
        var rows = Builder.Node("Unsqueeze", [slots, Int64s("const.axis1", 1)], "mask/rows");
        var columns = Builder.Node("Unsqueeze", [keyPositions, Int64s("const.axis0", 0)], "mask/columns");
        var future = Builder.Node("Greater", [columns, rows], "mask/Greater");
        var minusInfinity = FloatScalar("const.minus_inf", float.NegativeInfinity);
        var zero = FloatScalar("const.zero", 0f);
        CausalMask = Builder.Node("Where", [future, minusInfinity, zero], "mask/Where");
        if (Config.SlidingWindow is { } window && Enumerable.Range(0, Config.Layers).Any(Config.UsesSlidingWindow))
        {
            // q − k ≥ window: the key left the window. Integer arithmetic, exact at any length.
            var distance = Builder.Node("Sub", [rows, columns], "mask/sliding/Sub");
            var outside = Builder.Node("Not", [Builder.Node("Less", [distance, Int64Scalar($"const.window.{window}", window)], "mask/sliding/Less")],
                "mask/sliding/Not");
            var hidden = Builder.Node("Or", [future, outside], "mask/sliding/Or");
            _slidingMask = Builder.Node("Where", [hidden, minusInfinity, zero], "mask/sliding/Where");
        }

        if (HasAttentionMask)
        {
            ApplyPaddingMask(future, minusInfinity, zero);
        }
    }

    /// <summary>
    /// Positions from the position_ids input; padded keys (attention_mask 0) masked out of every
    /// query's attention. The padding bias is float32's lowest finite value, as transformers' masks
    /// use finfo.min, not −∞: a padded query that sees only padded keys then gets a uniform softmax
    /// instead of NaN, and its NaN cannot reach real tokens through the cache (0 · NaN is NaN).
    /// </summary>
    private void ApplyPaddingMask(string future, string minusInfinity, string zero)
    {
        PositionIds = CheckpointExport.PositionIdsName;
        // transformers' longrope_frequency_update decides on max(position_ids) + 1. No axes: every
        // axis, in each opset's ReduceMax (attribute or input form alike).
        var largest = Builder.Node("ReduceMax", [PositionIds], "positions/ReduceMax", OnnxAttributes.Int("keepdims", 0));
        TotalLength = Builder.Node("Add", [largest, Int64Scalar("const.one.i64", 1)], "positions/Add_one");
        var padded = Builder.Node("Equal", [CheckpointExport.AttentionMaskName, Int64Scalar("const.zero.i64", 0)], "mask/padding/Equal");
        var keys = Builder.Node("Unsqueeze", [padded, Int64s("const.axes.1.2", 1, 2)], "mask/padding/Unsqueeze");
        var lowest = FloatScalar("const.mask.lowest", float.MinValue);
        CausalMask = Builder.Node("Where", [keys, lowest, CausalMask], "mask/padding/Where");
        if (_slidingMask.Length > 0 && Config.SlidingWindow is { } window)
        {
            // The window counts positions, not cache slots: a key's position is the number of real
            // tokens before it (cumsum(mask) − 1). Slots would count the pads a right-padded row keeps
            // in its cache, and its decode steps would see fewer of its own tokens than alone.
            var counted = Builder.Node("CumSum", [CheckpointExport.AttentionMaskName, Int64Scalar("const.one.i64", 1)], "mask/sliding/CumSum");
            var keyPositions = Builder.Node("Sub", [counted, Int64Scalar("const.one.i64", 1)], "mask/sliding/Sub_one");
            var queryColumn = Builder.Node("Unsqueeze", [PositionIds, Int64s("const.axis.last", -1)], "mask/sliding/queries");
            var keyRow = Builder.Node("Unsqueeze", [keyPositions, Int64s("const.axis1", 1)], "mask/sliding/keys");
            var distance = Builder.Node("Sub", [queryColumn, keyRow], "mask/sliding/positions/Sub");
            var outside = Builder.Node("Not", [Builder.Node("Less", [distance, Int64Scalar($"const.window.{window}", window)], "mask/sliding/positions/Less")],
                "mask/sliding/positions/Not");
            var heads = Builder.Node("Unsqueeze", [outside, Int64s("const.axis1", 1)], "mask/sliding/positions/Unsqueeze_heads");
            var hidden = Builder.Node("Or", [future, heads], "mask/sliding/positions/Or");
            var sliding = Builder.Node("Where", [hidden, minusInfinity, zero], "mask/sliding/positions/Where");
            _slidingMask = Builder.Node("Where", [keys, lowest, sliding], "mask/sliding/padding/Where");
        }
    }

    /// <summary>The additive mask layer <paramref name="layer"/> attends with: sliding window or plain causal.</summary>
    public string MaskFor(int layer) => Config.UsesSlidingWindow(layer) ? _slidingMask : CausalMask;
}
