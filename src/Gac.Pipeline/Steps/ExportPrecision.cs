using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The element type a run writes its artifact in. export.dtype auto (the default) keeps the model's
/// own precision: a Hugging Face checkpoint whose weight matrices are all BF16 is written bf16, all F16
/// fp16, all F32 fp32; an ONNX model fp32 (its graph is rewritten as float32, as before). Why the
/// matrices: they are the weights the artifact stores in the chosen type (norm gains and the like
/// stay readable through a Cast either way), and checkpoints that keep a few vectors in F32 beside
/// BF16 matrices are common. Matrices of mixed types are GAC1240 — no majority vote.
/// </summary>
public static class ExportPrecision
{
    public static ExportDType Resolve(GacSpec spec)
    {
        if (spec.Export.DType != ExportDType.Auto)
        {
            return spec.Export.DType;
        }

        if (spec.Model.Format != ModelFormat.HfSafetensors)
        {
            return ExportDType.Fp32;
        }

        using var checkpoint = SafetensorsCheckpoint.Open(spec.Model.Path.FullPath);
        var matrices = checkpoint.Names.Select(checkpoint.Entry).Where(e => e.Shape.Count == 2).ToList();
        var types = matrices.Select(e => e.DType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return types switch
        {
            [SafetensorsDType.BF16] => ExportDType.Bf16,
            [SafetensorsDType.F16] => ExportDType.Fp16,
            [SafetensorsDType.F32] or [] => ExportDType.Fp32,
            _ => throw GacException.Create(
                DiagnosticCatalogue.ExportDTypeUndecided,
                $"export.dtype is auto, but the weight matrices of '{spec.Model.Path.Text}' mix {string.Join(" and ", types.Select(t =>
                    $"{t} ('{matrices.First(e => e.DType == t).Name}')"))}; set export.dtype to fp32, fp16 or bf16.",
                new SourceLocation(spec.Model.Path.Text)),
        };
    }

    /// <summary>What the run reports about the choice.</summary>
    public static string Describe(GacSpec spec, ExportDType resolved)
    {
        var text = SpecEnumText.ToText(resolved);
        if (spec.Export.DType != ExportDType.Auto)
        {
            return $"export.dtype {text}";
        }

        return spec.Model.Format == ModelFormat.HfSafetensors
            ? $"export.dtype auto: {text}, the checkpoint's weight matrices"
            : $"export.dtype auto: {text} for an ONNX model";
    }
}
