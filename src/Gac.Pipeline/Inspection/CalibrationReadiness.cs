using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// calibration.npy and calibration.inputs against the model's inputs: every name known, every
/// element type the input's own (ONNX Runtime converts none), every fixed dim matched.
/// </summary>
internal static class CalibrationReadiness
{
    public static void Check(GacSpec spec, ModelHeader header)
    {
        var calibration = spec.Calibration;
        if (calibration.Source == CalibrationSource.Npy)
        {
            foreach (var (name, path) in calibration.Npy)
            {
                var input = Find(header, name, "calibration.npy");
                var array = NpyArray.Load(path.FullPath);
                Fits(input, array.DType, array.Shape, $"'{path.Text}'", new SourceLocation(path.Text));
            }
        }
        else if (calibration.Source == CalibrationSource.Inputs)
        {
            var missing = header.Inputs.Where(i => calibration.Inputs.All(c => c.Name != i.Name)).Select(i => i.Name).ToList();
            if (missing.Count > 0)
            {
                throw Mismatch($"the model input(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} have no entry in calibration.inputs; list every input " +
                    $"({string.Join(", ", header.Inputs.Select(i => i.Name))}).", null);
            }

            foreach (var generator in calibration.Inputs)
            {
                Fits(Find(header, generator.Name, "calibration.inputs"), SpecEnumText.ToText(generator.DType), generator.Shape, "calibration.inputs", null);
            }
        }
    }

    private static ModelInput Find(ModelHeader header, string name, string where)
        => header.Inputs.FirstOrDefault(i => i.Name == name)
            ?? throw Mismatch($"{where} names '{name}', which the model does not have; its inputs are {string.Join(", ", header.Inputs.Select(i => i.Name))}.",
                null);

    private static void Fits(ModelInput input, string dtype, IReadOnlyList<long> shape, string source, SourceLocation? location)
    {
        var expected = input.ElementType switch
        {
            OnnxDataType.Float => "float32",
            OnnxDataType.Float16 => "float16",
            OnnxDataType.Int64 => "int64",
            OnnxDataType.Int32 => "int32",
            var other => other.ToString(),
        };
        if (expected != dtype)
        {
            throw Mismatch($"input '{input.Name}' takes {expected}, but {source} holds {dtype}.", location);
        }

        var fits = shape.Count == input.Dims.Count && input.Dims.Select((d, i) => d.Size is not { } size || size == shape[i]).All(ok => ok);
        if (!fits)
        {
            throw Mismatch($"input '{input.Name}' expects shape [{string.Join(", ", input.Dims)}], {source} has [{string.Join(", ", shape)}].", location);
        }
    }

    private static GacException Mismatch(string message, SourceLocation? location)
        => GacException.Create(DiagnosticCatalogue.CalibrationInputMismatch, "Calibration data does not fit the model: " + message, location);
}
