using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Onnx.Exporters;

namespace Gac.Pipeline.Steps;

/// <summary>Step 1: read the model's graph and find the linear layers worth compressing.</summary>
public static class ModelImport
{
    public static ImportedModel Load(RunContext run)
    {
        var spec = run.Spec.Model;
        var path = spec.Path.FullPath;
        if (spec.Format == ModelFormat.HfSafetensors)
        {
            // A Hugging Face folder is exported to an ONNX model in the scratch folder (prefill, or with
            // model.past_kv also decode); every later step sees ONNX. Its arithmetic is fp32; a BF16 / F16 checkpoint
            // exported half keeps its weights in their own type behind a Cast (ExportPrecision.ImportStorage).
            var cache = spec.PastKeyValues ? " with past key/values" : string.Empty;
            var mask = spec.AttentionMask ? " and attention_mask/position_ids" : string.Empty;
            run.Report("import", $"exporting Hugging Face checkpoint {spec.Path.Text} to ONNX opset {run.Spec.Export.Opset}{cache}{mask}");
            var configPath = CheckpointInventory.ConfigPathOf(path);
            var config = TransformerConfigReader.Load(configPath);
            CheckContext(run, config, configPath);
            CheckpointExporter.CheckOpset(run.Spec.Export.Opset);
            using var checkpoint = SafetensorsCheckpoint.Open(path);

            // Headers only: a config.json that disagrees with its weights stops here, before any weight is read.
            CheckpointInventory.Verify(config, configPath, checkpoint);
            var options = CheckpointExportOptions.Default with
            {
                PastKeyValues = spec.PastKeyValues,
                AttentionMask = spec.AttentionMask,
                Opset = run.Spec.Export.Opset,
                WeightStorage = ExportPrecision.ImportStorage(checkpoint, run.DType),
            };
            if (options.WeightStorage != OnnxDataType.Float)
            {
                run.Report("import", $"weights stored as {options.WeightStorage} as in the checkpoint, read through a Cast to float32");
            }

            path = CheckpointExporter.Export(config, checkpoint, run.Scratch("imported.onnx"), options, run.CancellationToken).ModelPath;
        }

        run.Report("import", $"reading {spec.Path.Text}; {ExportPrecision.Describe(run.Spec, run.DType)}");
        var file = OnnxModelFile.Load(path);
        // An untranslatable genai_config.json stops the run here, before any compression work.
        GenAiFolder.Check(run, file);
        var inventory = LinearLayerDiscovery.Discover(file);
        var compressible = SelectCompressible(inventory);
        if (compressible.Count == 0 && run.Spec.Compress.Method != CompressionMethod.None)
        {
            throw GacException.Create(
                DiagnosticCatalogue.NoCompressibleLayers,
                $"'{spec.Path.Text}' has no linear layer with a constant 2-D weight (MatMul or Gemm); there is nothing to compress.",
                new SourceLocation(spec.Path.Text));
        }

        run.Report("import", $"{inventory.Layers.Count} linear layers, {compressible.Count} compressible, {inventory.LinearParameters:N0} linear parameters");
        return new ImportedModel(file, inventory, compressible);
    }

    /// <summary>
    /// GAC1222 when a calibration or validation shape needs more positions (seq + past_sequence)
    /// than the checkpoint's context: checked before the export, instead of a failure deep inside
    /// ONNX Runtime (GPT-2's position table) or logits from positions the model never had.
    /// </summary>
    internal static void CheckContext(RunContext run, TransformerConfig config, string configPath)
    {
        var shapes = new[] { ("calibration.dims", run.Spec.Calibration.Dims) }
            .Concat(run.Spec.Validation.Shapes.Select((s, i) => ($"validation.shapes[{i}]", s)));
        foreach (var (where, dims) in shapes)
        {
            if (!dims.TryGetValue("seq", out var sequence))
            {
                continue;
            }

            var positions = sequence + dims.GetValueOrDefault(CheckpointExport.PastSequenceDim);
            if (positions > config.MaxPositions)
            {
                var field = config.Family == TransformerFamily.Gpt2 ? "n_positions" : "max_position_embeddings";
                throw GacException.Create(
                    DiagnosticCatalogue.ContextShorterThanCalibration,
                    $"{where} asks for {positions} positions (seq + past_sequence) but '{configPath}' has {field} = {config.MaxPositions}.",
                    new SourceLocation(configPath));
            }
        }
    }

    /// <summary>
    /// Layers inside recognised attention/MLP blocks. A classifier or embedding projection outside
    /// any block is left dense, as ASVD and SVD-LLM do for the LM head: it is small relative to the
    /// blocks and its error goes straight to the output. A model with no recognised block compresses
    /// every linear layer.
    /// </summary>
    internal static IReadOnlyList<LinearLayer> SelectCompressible(ModelInventory inventory)
    {
        var inBlocks = inventory.Layers.Where(l => l.Group is not null).ToList();
        return inBlocks.Count > 0 ? inBlocks : inventory.Layers;
    }
}
