using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Pipeline.Steps;

/// <summary>Writes one rewritten model into the run's scratch folder (fp16 when the spec asks) and measures its size.</summary>
public static class VariantWriter
{
    public static ModelVariant Save(RunContext run, ImportedModel model, ModelProto rewritten, string name, string what)
    {
        if (run.Spec.Export.DType == ExportDType.Fp16)
        {
            rewritten = Fp16Conversion.Apply(OnnxModelFile.FromModel(rewritten, model.Path));
        }

        var path = run.Scratch($"{name}.onnx");
        // Wrapped with the original's path so tensors it left in external data still resolve.
        var source = OnnxModelFile.FromModel(rewritten, model.Path);
        OnnxModelWriter.Write(source, path, new OnnxSaveOptions { ExternalData = ExternalDataFor(run.Spec.Export.ExternalData) });
        var parameters = LinearLayerDiscovery.Discover(rewritten).LinearParameters;
        run.Report("apply", $"{name}: {parameters:N0} linear parameters ({what})");
        return new ModelVariant(name, path, parameters);
    }

    private static ExternalDataPolicy ExternalDataFor(ExternalDataMode mode) => mode switch
    {
        ExternalDataMode.Always => ExternalDataPolicy.External,
        ExternalDataMode.Never => ExternalDataPolicy.Embed,
        _ => ExternalDataPolicy.Auto,
    };
}
