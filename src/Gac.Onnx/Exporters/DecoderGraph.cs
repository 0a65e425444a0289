using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Exporters;

/// <summary>
/// The pieces both decoder exports share: checkpoint tensors checked against config.json and
/// turned into initializers, linear layers as MatMul on [in, out] weights named after the HF module,
/// positions and attention masks computed from the position ids (so the graph serves the model's
/// whole context, not a table of fixed length), and scaled dot-product attention spelled out with
/// standard operators of the chosen opset.
/// </summary>
internal sealed partial class DecoderGraph
{
    private readonly ICheckpointTensors _weights;
    private readonly InitializerSink _sink;
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly List<string> _presents = [];
    private string _slidingMask = "";

    public DecoderGraph(TransformerConfig config, ICheckpointTensors weights, InitializerSink sink, CheckpointExportOptions options)
    {
        Config = config;
        _weights = weights;
        _sink = sink;
        HasPast = options.PastKeyValues;
        HasAttentionMask = options.AttentionMask;
        Opset = options.Opset;
        Names = CheckpointTensorNames.Detect(config.Family, weights);
        Builder = new OnnxGraphBuilder(config.ModelType, Opset) { IrVersion = IrVersionFor(Opset) };
        InputIds = Builder.Input(CheckpointExport.InputName, OnnxDataType.Int64, "batch", "seq");
        if (HasAttentionMask)
        {
            // The mask covers every key a new token may see: the cached ones and this call's.
            Builder.Input(CheckpointExport.AttentionMaskName, OnnxDataType.Int64, "batch", HasPast ? CheckpointExport.PresentSequenceDim : "seq");
            Builder.Input(CheckpointExport.PositionIdsName, OnnxDataType.Int64, "batch", "seq");
        }

        for (var i = 0; HasPast && i < config.Layers; i++)
        {
            Builder.Input(CheckpointExport.PastKeyName(i), OnnxDataType.Float, "batch", config.KvHeads, CheckpointExport.PastSequenceDim, config.HeadDim);
            Builder.Input(CheckpointExport.PastValueName(i), OnnxDataType.Float, "batch", config.KvHeads, CheckpointExport.PastSequenceDim, config.HeadDim);
        }
    }

    /// <summary>The graph reads and returns the k/v cache (<see cref="CheckpointExportOptions.PastKeyValues"/>).</summary>
    public bool HasPast { get; }

    /// <summary>The graph takes attention_mask and position_ids (<see cref="CheckpointExportOptions.AttentionMask"/>).</summary>
    public bool HasAttentionMask { get; }

    /// <summary>The default-domain opset the graph is written for (<see cref="CheckpointExportOptions.Opset"/>).</summary>
    public int Opset { get; }

    public TransformerConfig Config { get; }

    public CheckpointTensorNames Names { get; }

    public OnnxGraphBuilder Builder { get; }

    public string InputIds { get; }

    /// <summary>The sequence length as a scalar and as a 1-element vector (Slice bounds want the vector).</summary>
    public (string Scalar, string Vector) SequenceLength { get; private set; }

    /// <summary>Scalar int64 past + seq: the last position + 1, what LongRoPE's choice of factors looks at.</summary>
    public string TotalLength { get; private set; } = "";

    /// <summary>
    /// [seq] int64: past, past + 1, …, past + seq − 1 (past = 0 without a k/v cache); with an
    /// attention mask, the position_ids input [batch, seq].
    /// </summary>
    public string PositionIds { get; private set; } = "";

    /// <summary>
    /// [seq, past + seq] float: 0 where a token may attend, −∞ where the key comes after the query.
    /// Every cached key precedes every new token, so a new token sees the whole past. With an
    /// attention mask, [batch, 1, seq, past + seq] with padded keys masked too.
    /// </summary>
    public string CausalMask { get; private set; } = "";

    /// <summary>ONNX's versioning table: IR 8 up to opset 18, 9 for 19–20, 10 for 21–22, 11 for 23.</summary>
    public static long IrVersionFor(int opset) => opset switch
    {
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };

    /// <summary>
    /// cos and sin [seq, rotary_dim] of position · inverse frequency, computed in the graph in
    /// float32 as transformers' rotary embedding computes them: the frequencies are stored as
    /// float64 and cast (an fp16 export rounds float32 initializers, never these), the position ids
    /// cast to float32, the product's halves repeated, cos/sin times the scaling's attention factor.
    /// </summary>
    public (string Cos, string Sin) RotaryCosSin()
    {
        var inverse = Frequencies("rotary.inv_freq", longContext: false);
        if (Config.RopeScaling.Kind == RopeScalingKind.LongRope)
        {
            // transformers' longrope_frequency_update: long factors once max(position_ids) + 1, i.e.
            // past + seq, exceeds the original context; decided per call, as there.
            var outgrown = Builder.Node("Greater", [TotalLength, Int64Scalar($"const.rope.original.{Config.RopeScaling.OriginalMaxPositions}",
                Config.RopeScaling.OriginalMaxPositions)], "rotary/longrope/Greater");
            inverse = Builder.Node("Where", [outgrown, Frequencies("rotary.inv_freq.long", longContext: true), inverse], "rotary/longrope/Where");
        }

        var positions = Builder.Node("Cast", [PositionIds], "rotary/positions/Cast", OnnxAttributes.Int("to", (long)OnnxDataType.Float));
        // [seq] → [seq, 1]; position_ids [batch, seq] → [batch, seq, 1].
        var column = Builder.Node("Unsqueeze", [positions, HasAttentionMask ? Int64s("const.axis.last", -1) : Int64s("const.axis1", 1)],
            "rotary/positions/Unsqueeze");
        var angles = Builder.Node("Mul", [column, inverse], "rotary/Mul");
        var repeated = Builder.Node("Concat", [angles, angles], "rotary/Concat", OnnxAttributes.Int("axis", -1));
        var cos = Builder.Node("Cos", [repeated], "rotary/Cos");
        var sin = Builder.Node("Sin", [repeated], "rotary/Sin");
        if (Config.RopeScaling.AttentionFactor != 1.0)
        {
            var factor = FloatScalar("const.rotary.attention_factor", (float)Config.RopeScaling.AttentionFactor);
            cos = Builder.Node("Mul", [cos, factor], "rotary/cos/Mul_attention_factor");
            sin = Builder.Node("Mul", [sin, factor], "rotary/sin/Mul_attention_factor");
        }

        if (HasAttentionMask)
        {
            // [batch, seq, rotary_dim] → [batch, 1, seq, rotary_dim]: one row of angles per sequence, shared by its heads.
            cos = Builder.Node("Unsqueeze", [cos, Int64s("const.axis1", 1)], "rotary/cos/Unsqueeze_heads");
            sin = Builder.Node("Unsqueeze", [sin, Int64s("const.axis1", 1)], "rotary/sin/Unsqueeze_heads");
        }

        return (cos, sin);
    }

    /// <summary>Float32 inverse frequencies held as float64 (fp16 conversion leaves them alone) and cast.</summary>
    private string Frequencies(string name, bool longContext)
    {
        var frequencies = RotaryTables.InverseFrequencies(Config, longContext).Select(f => (double)f).ToArray();
        var stored = Builder.Initializer(OnnxTensorFactory.WrapRaw(name, OnnxDataType.Double, System.Runtime.InteropServices.MemoryMarshal.AsBytes(
            frequencies.AsSpan()).ToArray(), frequencies.Length));
        return Builder.Node("Cast", [stored], $"{name}/Cast", OnnxAttributes.Int("to", (long)OnnxDataType.Float));
    }

    /// <summary>Split into equal parts along an axis: opset 18 wants the count as num_outputs, earlier opsets infer it.</summary>
    public IReadOnlyList<string> SplitEqual(string x, int parts, string name, int axis = -1)
        => Opset >= 18
            ? Builder.Node("Split", [x], parts, name, OnnxAttributes.Int("axis", axis), OnnxAttributes.Int("num_outputs", parts))
            : Builder.Node("Split", [x], parts, name, OnnxAttributes.Int("axis", axis));

    /// <summary>Mean over the last axis, kept: axes is an attribute before opset 18 and an input from 18 on.</summary>
    public string ReduceMeanLastAxis(string x, string name)
        => Opset >= 18
            ? Builder.Node("ReduceMean", [x, Int64s("const.axes.last", -1)], name, OnnxAttributes.Int("keepdims", 1))
            : Builder.Node("ReduceMean", [x], name, OnnxAttributes.Ints("axes", -1), OnnxAttributes.Int("keepdims", 1));

    /// <summary>A checkpoint tensor with its shape checked against what the config implies (GAC1207).</summary>
    public float[] Read(string name, params long[] expected)
    {
        if (!_weights.Contains(name))
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointTensorMissing, $"The checkpoint '{_weights.Source}' has no tensor '{name}' " +
                $"({Config.ModelType} needs it).", new SourceLocation(_weights.Source));
        }

        var shape = _weights.Shape(name);
        if (!shape.SequenceEqual(expected))
        {
            throw GacException.Create(
                DiagnosticCatalogue.CheckpointTensorMissing,
                $"Tensor '{name}' in '{_weights.Source}' is [{string.Join(", ", shape)}]; config.json implies [{string.Join(", ", expected)}].",
                new SourceLocation(_weights.Source));
        }

        return _weights.ReadFloat32(name);
    }

    /// <summary>
    /// A checkpoint tensor as an initializer named <paramref name="name"/>; stored in 16 bits
    /// (<see cref="CheckpointExportOptions.WeightStorage"/>) it is read through a Cast to float32, so the arithmetic stays float32.
    /// </summary>
    public string Initializer(string name, float[] values, params long[] dims)
    {
        var tensor = _sink.Floats(name, values, dims);
        Core.Memory.LargeObjects.ReleaseAfter(4L * values.Length);         // the tensor is on disk: its arrays (and the last one's) can go
        var stored = Builder.Initializer(tensor);
        return tensor.DataType == (int)OnnxDataType.Float
            ? stored
            : Builder.Node("Cast", [stored], $"{name}/Cast", OnnxAttributes.Int("to", (long)OnnxDataType.Float));
    }

    /// <summary>A checkpoint tensor copied as it is.</summary>
    public string Copy(string name, params long[] dims) => Initializer(name, Read(name, dims), dims);

    /// <summary>
    /// How every decoder starts: the sequence positions and masks, the token embedding table (the tied
    /// LM head's weight too) and its lookup of the input ids, the node named <paramref name="lookupName"/>.
    /// </summary>
    public (string Table, string Tokens) EmbedTokens(string lookupName)
    {
        BuildSequencePositions();
        var table = Copy(Names.Embedding, Config.VocabSize, Config.HiddenSize);
        return (table, Builder.Node("Gather", [table, InputIds], lookupName, OnnxAttributes.Int("axis", 0)));
    }

    /// <summary>
    /// y = x·W (+ b) with W an [in, out] initializer "&lt;module&gt;.weight", the layout discovery and
    /// the rewrites expect. <paramref name="storedOutIn"/>: the checkpoint stores W as nn.Linear
    /// does, [out, in], and is transposed here; GPT-2's Conv1D stores [in, out] already.
    /// </summary>
    public string Linear(string module, string x, long inFeatures, long outFeatures, bool bias, bool storedOutIn)
    {
        float[] weight;
        if (storedOutIn)
        {
            var stored = Read(module + ".weight", outFeatures, inFeatures);
            weight = Transpose(stored, outFeatures, inFeatures);
            stored = [];
            Core.Memory.LargeObjects.ReleaseAfter(4L * weight.Length); // the [out, in] copy, before the 16-bit copy is made (an LM head: 2 GB)
        }
        else
        {
            weight = Read(module + ".weight", inFeatures, outFeatures);
        }

        var w = Initializer(module + ".weight", weight, inFeatures, outFeatures);
        var y = Builder.Node("MatMul", [x, w], $"{module}/MatMul");
        return bias ? Builder.Node("Add", [y, Copy(module + ".bias", outFeatures)], $"{module}/Add") : y;
    }

    /// <summary>[b, s, heads·d] → [b, heads, s, d]; the Reshape constant [0, 0, heads, d] tells discovery the head count.</summary>
    public string SplitHeads(string prefix, string x, int heads)
    {
        var reshaped = Builder.Node("Reshape", [x, Int64s($"shape.heads.{heads}x{Config.HeadDim}", 0, 0, heads, Config.HeadDim)], $"{prefix}/Reshape");
        return Builder.Node("Transpose", [reshaped], $"{prefix}/Transpose", OnnxAttributes.Ints("perm", 0, 2, 1, 3));
    }

    /// <summary>
    /// With a k/v cache: k and v [b, kv_heads, seq, d] appended to layer <paramref name="layer"/>'s past
    /// along the sequence axis and returned as its present outputs; unchanged without one. The cache
    /// holds k after RoPE and before GQA's repeat, as transformers' DynamicCache does.
    /// </summary>
    public (string Key, string Value) AppendToCache(int layer, string prefix, string k, string v)
    {
        if (!HasPast)
        {
            return (k, v);
        }

        var key = Builder.Node("Concat", [CheckpointExport.PastKeyName(layer), k], $"{prefix}/k/Concat_past", OnnxAttributes.Int("axis", 2));
        var value = Builder.Node("Concat", [CheckpointExport.PastValueName(layer), v], $"{prefix}/v/Concat_past", OnnxAttributes.Int("axis", 2));
        Builder.Node("Identity", [key], CheckpointExport.PresentKeyName(layer));
        Builder.Node("Identity", [value], CheckpointExport.PresentValueName(layer));
        _presents.Add(CheckpointExport.PresentKeyName(layer));
        _presents.Add(CheckpointExport.PresentValueName(layer));
        return (key, value);
    }

    /// <summary>softmax(q·kᵀ/√d + mask)·v for q, k, v as [b, heads, s, d], merged to [b, s, heads·d].</summary>
    public string Attention(string prefix, string q, string k, string v, string mask)
    {
        var keysT = Builder.Node("Transpose", [k], $"{prefix}/k/Transpose_scores", OnnxAttributes.Ints("perm", 0, 1, 3, 2));
        var scores = Builder.Node("MatMul", [q, keysT], $"{prefix}/scores/MatMul");
        var scaled = Builder.Node("Mul", [scores, FloatScalar($"const.attention_scale.{Config.HeadDim}", (float)(1.0 / Math.Sqrt(Config.HeadDim)))],
            $"{prefix}/scores/Mul");
        var masked = Builder.Node("Add", [scaled, mask], $"{prefix}/scores/Add_mask");
        var probabilities = Builder.Node("Softmax", [masked], $"{prefix}/Softmax", OnnxAttributes.Int("axis", -1));
        var context = Builder.Node("MatMul", [probabilities, v], $"{prefix}/context/MatMul");
        var merged = Builder.Node("Transpose", [context], $"{prefix}/context/Transpose", OnnxAttributes.Ints("perm", 0, 2, 1, 3));
        return Builder.Node("Reshape", [merged, Int64s($"shape.merge.{Config.QueryWidth}", 0, 0, Config.QueryWidth)], $"{prefix}/context/Reshape");
    }

    /// <summary>logits = h·Eᵀ (tied embedding, transposed once at load by ORT's constant folding) or h·W_head.</summary>
    public void Logits(string h, string? tiedEmbedding)
    {
        string logits;
        if (tiedEmbedding is not null)
        {
            var transposed = Builder.Node("Transpose", [tiedEmbedding], "lm_head/Transpose_tied", OnnxAttributes.Ints("perm", 1, 0));
            logits = Builder.Node("MatMul", [h, transposed], "lm_head/MatMul");
        }
        else
        {
            logits = Linear(Names.LmHead, h, Config.HiddenSize, Config.VocabSize, bias: false, storedOutIn: true);
        }

        Builder.Node("Identity", [logits], CheckpointExport.OutputName);
    }

    public ModelProto Build()
    {
        var model = Builder.Build();
        // The builder names node outputs "<node>_output"; the graph outputs are plainly "logits" and "present.{i}.*".
        var outputs = new HashSet<string>(_presents, StringComparer.Ordinal) { CheckpointExport.OutputName };
        foreach (var node in model.Graph.Node.Where(n => outputs.Contains(n.Name)))
        {
            node.Output[0] = node.Name;
        }

        // logits first: tools that compare "the first output" (fidelity) compare the logits.
        model.Graph.Output.Add(Output(CheckpointExport.OutputName, "batch", "seq", Config.VocabSize));
        foreach (var present in _presents)
        {
            model.Graph.Output.Add(Output(present, "batch", Config.KvHeads, CheckpointExport.PresentSequenceDim, Config.HeadDim));
        }

        return model;
    }

    private static ValueInfoProto Output(string name, params OnnxDim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim.Value is { } size ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Param });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxDataType.Float, Shape = shape } },
        };
    }

    public string FloatScalar(string name, float value)
        => Constant(name, () => OnnxTensorFactory.FloatScalar(name, value));

    public string Int64s(string name, params long[] values)
        => Constant(name, () => OnnxTensorFactory.Int64Vector(name, values));

    private string Int64Scalar(string name, long value)
        => Constant(name, () => OnnxTensorFactory.Int64s(name, [value]));

    private string Constant(string name, Func<TensorProto> create)
    {
        if (!_constants.TryGetValue(name, out var existing))
        {
            existing = Builder.Initializer(create());
            _constants[name] = existing;
        }

        return existing;
    }

    private static float[] Transpose(float[] values, long rows, long columns)
    {
        var result = GC.AllocateUninitializedArray<float>(values.Length);
        // Blocked so both sides stay in cache for the large (vocab × hidden) matrices.
        const int Block = 64;
        for (long r0 = 0; r0 < rows; r0 += Block)
        {
            for (long c0 = 0; c0 < columns; c0 += Block)
            {
                for (var r = r0; r < Math.Min(r0 + Block, rows); r++)
                {
                    for (var c = c0; c < Math.Min(c0 + Block, columns); c++)
                    {
                        result[(c * rows) + r] = values[(r * columns) + c];
                    }
                }
            }
        }

        return result;
    }
}
