using Gac.Core.Model;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;

namespace Gac.Pipeline.Steps;

/// <summary>The original model, its linear layers, and the ones the compressor may change.</summary>
public sealed record ImportedModel(OnnxModelFile File, ModelInventory Inventory, IReadOnlyList<LinearLayer> Compressible)
{
    /// <summary>Reads one layer's W[K,N] on demand, so only one layer's weight is in memory at a time.</summary>
    public LinearWeightReader Weights { get; } = new(File);

    public string Path => File.Path;

    /// <summary>What generated integer inputs may hold (ids below the table they index, masks 1, …); compression keeps the inputs.</summary>
    public InputDomains InputDomains { get; } = InputDomainDiscovery.Discover(File.Model);

    /// <summary>The external-data file beside the model, when it has one (hashed into the report).</summary>
    public string? DataPath => System.IO.File.Exists(Path + ".data") ? Path + ".data" : null;
}
