using Gac.Compression.Checkpoints;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
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
        var matrices = Matrices(checkpoint);
        var types = MatrixTypes(checkpoint);
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

    /// <summary>
    /// The type the import stores a checkpoint's weights in: the matrices' own 16-bit type when they are all BF16 or all F16
    /// and the artifact is half (fp16 or bf16; the variants then convert tensor by tensor, a BF16 import to an fp16
    /// artifact included), so no float32 copy of the model is ever written. An fp32 export of a BF16 / F16 checkpoint
    /// imports float32, as before: its artifact is the checkpoint exactly widened, so nothing is stored twice over.
    /// </summary>
    public static OnnxDataType ImportStorage(SafetensorsCheckpoint checkpoint, ExportDType resolved)
    {
        if (resolved is not (ExportDType.Fp16 or ExportDType.Bf16))
        {
            return OnnxDataType.Float;
        }

        return MatrixTypes(checkpoint) switch
        {
            [SafetensorsDType.BF16] => OnnxDataType.BFloat16,
            [SafetensorsDType.F16] => OnnxDataType.Float16,
            _ => OnnxDataType.Float,
        };
    }

    private static List<SafetensorsEntry> Matrices(SafetensorsCheckpoint checkpoint)
        => checkpoint.Names.Select(checkpoint.Entry).Where(e => e.Shape.Count == 2).ToList();

    private static List<string> MatrixTypes(SafetensorsCheckpoint checkpoint)
        => Matrices(checkpoint).Select(e => e.DType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

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
