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
/// model larger than RAM holds one layer at a time. fp16 / bf16 (export.dtype): new weights go to the data file in that
/// type as they are made (HalfPlacement), the rest are converted one tensor at a time in <see cref="Commit"/>, so no
/// float32 copy of a variant is ever written. Small models still come out as one file (export.external_data).
/// Writing is synchronous (CPU and disk bound, one tensor at a time) with the run's token checked
/// between tensors; a cancelled variant leaves only scratch files, which the run removes.
/// The aligned candidate is written under the artifact's own file name (in a folder of its own), so
/// its tensors already name the data file "&lt;artifact&gt;.data" that is published beside it: the
/// files validated are byte for byte the files published.
/// </summary>
public static class VariantWriter
{
    /// <summary>The data file the rewrite of variant <paramref name="name"/> places its weights in.</summary>
    /// <param name="folder">A sub-folder of the scratch space: candidate plans of one variant keep its file name there, so the external data location the model
    /// records is the same whichever candidate is published.</param>
    public static ExternalDataBuilder Begin(RunContext run, string name, string? folder = null)
        => new(PathOf(run, name, folder), SaveOptions(run)) { HalfType = HalfOptions(run)?.HalfType };

    public static ModelVariant Commit(RunContext run, ImportedModel model, ExternalDataBuilder data, ModelProto rewritten, string name, string what,
        string? folder = null)
    {
        var path = PathOf(run, name, folder);
        // fp16 / bf16: converted in memory, tensor by tensor into the same data file (untouched weights read from the import
        // one at a time); the graph is the one a float32 variant converted afterwards would have.
        var written = HalfOptions(run) is { } halfOptions
            ? Fp16Conversion.Apply(OnnxModelFile.FromModel(rewritten, model.Path), halfOptions, data, run.CancellationToken)
            : rewritten;
        data.Commit(OnnxModelFile.FromModel(written, model.Path), run.CancellationToken);
        var parameters = LinearLayerDiscovery.Discover(rewritten).LinearParameters;
        run.Report("apply", $"{name}: {parameters:N0} linear parameters ({what})");
        return new ModelVariant(name, path, parameters);
    }

    /// <summary>
    /// Where variant <paramref name="name"/> is written: the aligned candidate as
    /// scratch/&lt;folder or "candidate"&gt;/&lt;artifact file name&gt; (each candidate plan in a folder of its own),
    /// any other variant as scratch/[folder/]&lt;name&gt;.onnx.
    /// </summary>
    public static string PathOf(RunContext run, string name, string? folder = null)
    {
        var path = name == ModelVariant.AlignedName
            ? Path.Combine(run.ScratchFolder, folder ?? "candidate", Path.GetFileName(run.ArtifactPath))
            : folder is null ? run.Scratch($"{name}.onnx") : Path.Combine(run.ScratchFolder, folder, $"{name}.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>export.dtype fp16 or bf16: each variant's weights are written in that type as they are made or copied, one tensor at a time.</summary>
    private static Fp16ConversionOptions? HalfOptions(RunContext run) => run.DType switch
    {
        ExportDType.Fp16 => Fp16ConversionOptions.Default,
        ExportDType.Bf16 => Fp16ConversionOptions.BFloat16,
        _ => null,
    };

    private static OnnxSaveOptions SaveOptions(RunContext run) => OnnxSaveOptions.Default with
    {
        SingleFileLimitBytes = run.Options.SingleFileLimitBytes ?? OnnxSaveOptions.Default.SingleFileLimitBytes,
        ExternalData = run.Spec.Export.ExternalData switch
        {
            ExternalDataMode.Always => ExternalDataPolicy.External,
            ExternalDataMode.Never => ExternalDataPolicy.Embed,
            _ => ExternalDataPolicy.Auto,
        },
    };
}
