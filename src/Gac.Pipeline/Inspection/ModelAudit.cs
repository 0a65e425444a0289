using Gac.Core.Audit;
using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Discovery;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// <c>gac-build audit</c>'s work: how many GEMM dimensions of a model are misaligned against a profile
/// and how much linear compute sits in misaligned GEMMs. Reads only shapes — an ONNX graph (never its
/// external weight data) or a Hugging Face folder's config.json — so it needs no GPU.
/// </summary>
public static class ModelAudit
{
    /// <param name="fullPath">The model: an .onnx file or a Hugging Face checkpoint folder.</param>
    /// <param name="given">The path as the user wrote it, for the report and messages.</param>
    public static AuditReport Run(string fullPath, string given, AlignmentProfile profile)
        => AlignmentAudit.Run(Inventory(fullPath, given), profile);

    private static ModelInventory Inventory(string fullPath, string given)
    {
        if (!Directory.Exists(fullPath))
        {
            return LinearLayerDiscovery.Discover(OnnxModelFile.Load(fullPath)) with { Source = given };
        }

        var config = Path.Combine(fullPath, "config.json");
        if (!File.Exists(config))
        {
            throw GacException.Create(
                DiagnosticCatalogue.InputFileNotFound,
                $"'{given}' is a folder without config.json; audit takes an .onnx file or a Hugging Face checkpoint folder (config.json + *.safetensors).",
                new SourceLocation(given));
        }

        return ArchitectureShapes.FromConfigFile(config) with { Source = given };
    }
}
