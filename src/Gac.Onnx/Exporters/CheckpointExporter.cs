using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Onnx.Exporters;

/// <summary>
/// Writes a Hugging Face decoder checkpoint (Llama family or GPT-2) as an ONNX prefill model:
/// input "input_ids" int64 [batch, seq], output "logits" float [batch, seq, vocab] (symbolic dims named as calibration.dims names them),
/// opset 17 unless <see cref="CheckpointExportOptions.Opset"/> says otherwise, fp32 arithmetic (weights fp32, or stored
/// in the checkpoint's 16-bit type behind a Cast: <see cref="CheckpointExportOptions.WeightStorage"/>). Positions are computed in the graph, so
/// it serves the model's whole context. Linear layers are MatMul nodes on [in, out] initializers named after the HF
/// modules ("model.layers.0.self_attn.q_proj.weight"), so discovery and the compression rewrites
/// work on the result as on any exported model. Weights are read from the checkpoint one tensor
/// at a time and, for large models, streamed straight into the external data file.
/// With <see cref="CheckpointExportOptions.PastKeyValues"/> the graph also reads and returns the
/// k/v cache, so the same model serves prefill and token-by-token decode.
/// </summary>
public static class CheckpointExporter
{
    /// <param name="cancellationToken">Checked before each weight is written, during fp16 conversion and before the model is written (the export is CPU- and
    /// disk-bound and runs synchronously); a cancelled export leaves neither a data file nor a model.</param>
    public static CheckpointExport Export(TransformerConfig config, ICheckpointTensors weights, string outputPath, CheckpointExportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= CheckpointExportOptions.Default;
        if (options.Float16Weights && options.BFloat16Weights)
        {
            throw new ArgumentException("Float16Weights and BFloat16Weights exclude each other.", nameof(options));
        }

        if (options.WeightStorage != OnnxDataType.Float && (options.Float16Weights || options.BFloat16Weights))
        {
            throw new ArgumentException("WeightStorage stores the checkpoint's 16-bit weights as they are; Float16Weights and BFloat16Weights convert " +
                "a float32 export.", nameof(options));
        }

        var target = Path.GetFullPath(outputPath);
        CheckOpset(options.Opset);
        var positions = config.MaxPositions;
        var policy = options.ExternalData;
        if (policy == ExternalDataPolicy.Auto)
        {
            policy = EstimatedBytes(config, positions, options.WeightStorage) >= options.SingleFileLimitBytes
                ? ExternalDataPolicy.External
                : ExternalDataPolicy.Embed;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointExportFailed, $"Cannot create the folder of '{target}': {e.Message}",
                new SourceLocation(target), e);
        }

        ModelProto model;
        string? dataPath = null;
        long parameters;
        var saveOptions = OnnxSaveOptions.Default with { FlushToDisk = options.FlushToDisk };
        if (policy == ExternalDataPolicy.External)
        {
            var dataName = Path.GetFileName(target) + ".data";
            dataPath = Path.Combine(Path.GetDirectoryName(target)!, dataName);
            ModelProto? built = null;
            long floats = 0;
            AtomicFile.Write(
                dataPath,
                stream =>
                {
                    var sink = InitializerSink.External(stream, dataName, options.WeightStorage, cancellationToken);
                    built = Build(config, weights, sink, options);
                    floats = sink.FloatCount;
                },
                options.FlushToDisk);
            model = built!;
            parameters = floats;
            // The references are already in place: Auto keeps them when saving into the same folder.
            saveOptions = saveOptions with { ExternalData = ExternalDataPolicy.Auto };
        }
        else
        {
            var sink = InitializerSink.Inline(options.WeightStorage, cancellationToken);
            model = Build(config, weights, sink, options);
            parameters = sink.FloatCount;
            saveOptions = saveOptions with { ExternalData = ExternalDataPolicy.Embed };
        }

        try
        {
            if (options.Float16Weights || options.BFloat16Weights)
            {
                var half = options.BFloat16Weights ? Fp16ConversionOptions.BFloat16 : Fp16ConversionOptions.Default;
                model = Fp16Conversion.Apply(OnnxModelFile.FromModel(model, target), half, cancellationToken: cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (dataPath is not null)
        {
            // The data file is in place but no model references it yet: leave nothing half-exported.
            File.Delete(dataPath);
            throw;
        }

        OnnxModelWriter.Write(OnnxModelFile.FromModel(model, target), target, saveOptions);
        return new CheckpointExport(target, dataPath, positions, parameters);
    }

    /// <summary>The graph alone, weights inline: for tests and small models.</summary>
    public static ModelProto BuildInMemory(TransformerConfig config, ICheckpointTensors weights)
        => BuildInMemory(config, weights, CheckpointExportOptions.Default);

    /// <summary>The graph alone, weights inline, with the options' opset and k/v cache (external data and fp16 do not apply).</summary>
    public static ModelProto BuildInMemory(TransformerConfig config, ICheckpointTensors weights, CheckpointExportOptions options)
    {
        CheckOpset(options.Opset);
        return Build(config, weights, InitializerSink.Inline(options.WeightStorage), options);
    }

    /// <summary>GAC3020 outside the opsets the graph is written and tested for.</summary>
    public static void CheckOpset(int opset)
    {
        if (opset is < CheckpointExportOptions.MinimumOpset or > CheckpointExportOptions.MaximumOpset)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ExportOpsetUnsupported,
                $"export.opset is {opset}; Hugging Face checkpoints are exported for opsets {CheckpointExportOptions.MinimumOpset} to " +
                    $"{CheckpointExportOptions.MaximumOpset}.");
        }
    }

    private static ModelProto Build(TransformerConfig config, ICheckpointTensors weights, InitializerSink sink, CheckpointExportOptions options)
    {
        // Phi-3's fused qkv_proj / gate_up_proj become the separate Llama projections here, so the graph,
        // discovery and every compressor see ordinary linear layers.
        if (config.FusedProjections)
        {
            weights = new FusedProjectionSplit(config, weights, CheckpointTensorNames.Detect(config.Family, weights));
        }

        var graph = new DecoderGraph(config, weights, sink, options);
        if (config.Family == TransformerFamily.Llama)
        {
            LlamaGraph.Build(graph);
        }
        else
        {
            Gpt2Graph.Build(graph);
        }

        return graph.Build();
    }

    /// <summary>Bytes of weights the export will hold (4 per value, 2 in 16-bit storage): linear layers, embeddings, head, GPT-2's position table.</summary>
    private static long EstimatedBytes(TransformerConfig config, int positions, OnnxDataType storage)
    {
        var linear = ArchitectureShapes.FromConfig(config).LinearParameters;
        var embeddings = (long)config.VocabSize * config.HiddenSize * (config.TieWordEmbeddings ? 1 : 2);
        var tables = config.Family == TransformerFamily.Llama ? 0L : (long)positions * config.HiddenSize;
        return (storage == OnnxDataType.Float ? 4 : 2) * (linear + embeddings + tables);
    }
}
