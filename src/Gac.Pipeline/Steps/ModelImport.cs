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
            // A Hugging Face folder is exported to an fp32 ONNX model in the scratch folder (prefill, or with
            // model.past_kv also decode); every later step sees ONNX.
            run.Report("import", $"exporting Hugging Face checkpoint {spec.Path.Text} to ONNX{(spec.PastKeyValues ? " with past key/values" : string.Empty)}");
            using var checkpoint = SafetensorsCheckpoint.Open(path);
            var configPath = CheckpointInventory.ConfigPathOf(path);
            var config = TransformerConfigReader.Load(configPath);

            // Headers only: a config.json that disagrees with its weights stops here, before any weight is read.
            CheckpointInventory.Verify(config, configPath, checkpoint);
            var options = CheckpointExportOptions.Default with { PastKeyValues = spec.PastKeyValues };
            path = CheckpointExporter.Export(config, checkpoint, run.Scratch("imported.onnx"), options).ModelPath;
        }

        run.Report("import", $"reading {spec.Path.Text}");
        var file = OnnxModelFile.Load(path);
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
