using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Writes one rewritten model into the run's scratch folder, streamed: the rewrite hands each new
/// weight to the <see cref="ExternalDataBuilder"/> from <see cref="Begin"/> as soon as it exists, and
/// <see cref="Commit"/> appends the untouched weights one tensor at a time, so writing a variant of a
/// model larger than RAM holds one layer at a time. fp16 (when the spec asks) is a second streamed
/// pass over the written fp32 variant. Small models still come out as one file (export.external_data).
/// </summary>
public static class VariantWriter
{
    /// <summary>The data file the rewrite of variant <paramref name="name"/> places its weights in.</summary>
    public static ExternalDataBuilder Begin(RunContext run, string name) => new(Fp32Path(run, name), SaveOptions(run));

    public static ModelVariant Commit(RunContext run, ImportedModel model, ExternalDataBuilder data, ModelProto rewritten, string name, string what)
    {
        var path = run.Scratch($"{name}.onnx");
        data.Commit(OnnxModelFile.FromModel(rewritten, model.Path));
        if (run.Spec.Export.DType == ExportDType.Fp16)
        {
            var fp32Path = Fp32Path(run, name);
            var fp32 = OnnxModelFile.Load(fp32Path);
            using (var half = new ExternalDataBuilder(path, SaveOptions(run)))
            {
                half.Commit(OnnxModelFile.FromModel(Fp16Conversion.Apply(fp32, data: half), fp32Path));
            }

            File.Delete(fp32Path);
            File.Delete(fp32Path + ".data");
        }

        var parameters = LinearLayerDiscovery.Discover(rewritten).LinearParameters;
        run.Report("apply", $"{name}: {parameters:N0} linear parameters ({what})");
        return new ModelVariant(name, path, parameters);
    }

    private static string Fp32Path(RunContext run, string name)
        => run.Scratch(run.Spec.Export.DType == ExportDType.Fp16 ? $"{name}.fp32.onnx" : $"{name}.onnx");

    private static OnnxSaveOptions SaveOptions(RunContext run) => OnnxSaveOptions.Default with
    {
        ExternalData = run.Spec.Export.ExternalData switch
        {
            ExternalDataMode.Always => ExternalDataPolicy.External,
            ExternalDataMode.Never => ExternalDataPolicy.Embed,
            _ => ExternalDataPolicy.Auto,
        },
    };
}
