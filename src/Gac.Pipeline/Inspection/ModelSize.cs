using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// How much of a model compress.ratio applies to: the compressible linear parameters (the layers
/// inside attention and MLP blocks, what the ratio is a fraction of) against all stored parameters
/// (embeddings, norms and the LM head included). From headers only.
/// </summary>
public sealed record ModelSize(long CompressibleParameters, long TotalParameters)
{
    /// <summary>The share of the whole model a ratio removes: ratio × compressible / total.</summary>
    public double ShareOfModel(double ratio) => TotalParameters > 0 ? ratio * CompressibleParameters / TotalParameters : 0;

    /// <summary>Null when the headers cannot be read; the readiness check reports why.</summary>
    public static ModelSize? Of(ModelSpec model)
    {
        try
        {
            if (model.Format == ModelFormat.HfSafetensors)
            {
                var inventory = CheckpointInventory.Check(model.Path.FullPath);
                return inventory.Config is { } config && inventory.Succeeded
                    ? new ModelSize(ArchitectureShapes.FromConfig(config).LinearParameters, inventory.Parameters)
                    : null;
            }

            var file = OnnxModelFile.Load(model.Path.FullPath);
            var compressible = ModelImport.SelectCompressible(LinearLayerDiscovery.Discover(file)).Sum(l => l.Parameters);
            var total = OnnxTensors.EnumerateAll(file.Model).Sum(t => OnnxTensors.ElementCount(t.Dims));
            return new ModelSize(compressible, total);
        }
        catch (GacException)
        {
            return null;
        }
    }
}
