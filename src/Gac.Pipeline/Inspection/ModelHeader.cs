using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;

namespace Gac.Pipeline.Inspection;

/// <summary>One dimension of a graph input: a fixed size, or a symbolic name (dim_param) the run must bind.</summary>
public sealed record InputDim(long? Size, string? Symbol)
{
    public override string ToString() => Symbol ?? Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}

/// <summary>A graph input as its header declares it.</summary>
public sealed record ModelInput(string Name, OnnxDataType ElementType, IReadOnlyList<InputDim> Dims)
{
    public bool IsInteger => ElementType is OnnxDataType.Int64 or OnnxDataType.Int32;
}

/// <summary>
/// What a model's header says without touching a weight or starting ONNX Runtime: its inputs (names,
/// element types, symbolic dims) and, for a language model, its vocabulary. An ONNX file's graph is
/// parsed (external data is not read); a Hugging Face folder's inputs are the ones our exporter writes,
/// and its vocabulary comes from config.json. Used by `init` (goals and dims that fit the model) and by
/// the readiness check `check` and `run` share.
/// </summary>
public sealed record ModelHeader(IReadOnlyList<ModelInput> Inputs, long? VocabularySize, TransformerConfig? Config = null)
{
    /// <summary>The parsed ONNX file (graph and embedded weights, no external data) when the model is one.</summary>
    public OnnxModelFile? Onnx { get; init; }

    /// <summary>A causal language model: a Hugging Face decoder, or a graph with an integer input_ids input.</summary>
    public bool IsLanguageModel => Config is not null || Inputs.Any(i => i.IsInteger && i.Name.Contains("input_ids", StringComparison.Ordinal));

    /// <summary>Every symbolic dimension of the inputs, in order of first appearance.</summary>
    public IReadOnlyList<string> SymbolicDims => Inputs
        .SelectMany(i => i.Dims)
        .Select(d => d.Symbol)
        .OfType<string>()
        .Where(s => s.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>Where each symbolic dim sits, for messages: "seq (input_ids axis 1)".</summary>
    public string DescribeSymbolicDims()
        => SymbolicDims.Count == 0
            ? "none (every input dimension is fixed)"
            : string.Join(", ", SymbolicDims.Select(symbol => $"{symbol} ({string.Join("; ", PlacesOf(symbol).Take(2))})"));

    private IEnumerable<string> PlacesOf(string symbol)
        => Inputs.SelectMany(i => i.Dims.Select((d, axis) => (i.Name, d, axis)))
            .Where(x => x.d.Symbol == symbol)
            .Select(x => $"{x.Name} axis {x.axis}");

    /// <summary>Reads the header of the model a spec names. Failures are the readers' GacExceptions (GAC1xxx).</summary>
    public static ModelHeader Read(ModelSpec model)
        => model.Format == ModelFormat.HfSafetensors
            ? FromCheckpoint(TransformerConfigReader.Load(Path.Combine(model.Path.FullPath, "config.json")), model.PastKeyValues, model.AttentionMask)
            : FromOnnx(OnnxModelFile.Load(model.Path.FullPath));

    public static ModelHeader FromOnnx(OnnxModelFile file) => FromOnnx(file.Model) with { Onnx = file };

    /// <summary>The inputs <see cref="CheckpointExporter"/> writes for this config (input_ids [batch, seq], optionally the mask and positions, and the k/v
    /// cache).</summary>
    public static ModelHeader FromCheckpoint(TransformerConfig config, bool pastKeyValues, bool attentionMask = false)
    {
        var inputs = new List<ModelInput>
        {
            new(CheckpointExport.InputName, OnnxDataType.Int64, [new(null, "batch"), new(null, "seq")]),
        };
        if (attentionMask)
        {
            inputs.Add(new(CheckpointExport.AttentionMaskName, OnnxDataType.Int64, [new(null, "batch"), new(null, pastKeyValues
                ? CheckpointExport.PresentSequenceDim : "seq")]));
            inputs.Add(new(CheckpointExport.PositionIdsName, OnnxDataType.Int64, [new(null, "batch"), new(null, "seq")]));
        }

        for (var i = 0; pastKeyValues && i < config.Layers; i++)
        {
            InputDim[] cache = [new(null, "batch"), new(config.KvHeads, null), new(null, CheckpointExport.PastSequenceDim), new(config.HeadDim, null)];
            inputs.Add(new(CheckpointExport.PastKeyName(i), OnnxDataType.Float, cache));
            inputs.Add(new(CheckpointExport.PastValueName(i), OnnxDataType.Float, cache));
        }

        return new ModelHeader(inputs, config.VocabSize, config);
    }

    public static ModelHeader FromOnnx(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input
            .Where(i => !initializers.Contains(i.Name)) // opset < 9 graphs list weights as inputs too
            .Select(i => new ModelInput(
                i.Name,
                (OnnxDataType)(i.Type?.TensorType?.ElemType ?? 0),
                i.Type?.TensorType?.Shape?.Dim.Select(d => d.HasDimValue && d.DimValue > 0 ? new InputDim(d.DimValue, null) : new InputDim(null, d.HasDimParam
                    ? d.DimParam : string.Empty)).ToList() ?? []))
            .ToList();
        return new ModelHeader(inputs, VocabularyOf(model));
    }

    /// <summary>A language model's vocabulary: the last dim of a fixed-size "logits" output, when the graph declares it.</summary>
    private static long? VocabularyOf(ModelProto model)
    {
        var logits = model.Graph.Output.FirstOrDefault(o => o.Name.Contains("logits", StringComparison.Ordinal));
        var last = logits?.Type?.TensorType?.Shape?.Dim.LastOrDefault();
        return last is { HasDimValue: true, DimValue: > 0 } ? last.DimValue : null;
    }
}
