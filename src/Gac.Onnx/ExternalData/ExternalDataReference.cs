using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Onnx.Ir;

namespace Gac.Onnx.ExternalData;

/// <summary>
/// Where an EXTERNAL tensor's bytes live: a file relative to the model's folder, an offset and a
/// length (ONNX external-data spec: keys "location", "offset", "length"; offset defaults to 0,
/// length to the rest of the file).
/// </summary>
public sealed record ExternalDataReference(string Location, long Offset, long? Length)
{
    public const string LocationKey = "location";
    public const string OffsetKey = "offset";
    public const string LengthKey = "length";

    public static bool IsExternal(TensorProto tensor)
        => tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>Reads the reference of an EXTERNAL tensor; GAC1008 when it is malformed.</summary>
    public static ExternalDataReference Parse(TensorProto tensor, string modelPath)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case LocationKey:
                    location = entry.Value;
                    break;
                case OffsetKey:
                    offset = ParseNonNegative(entry.Value, OffsetKey, tensor, modelPath);
                    break;
                case LengthKey:
                    length = ParseNonNegative(entry.Value, LengthKey, tensor, modelPath);
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw GacException.Create(
                DiagnosticCatalogue.ExternalDataReferenceInvalid,
                $"Tensor '{tensor.Name}' is marked EXTERNAL but has no '{LocationKey}' entry.",
                new SourceLocation(modelPath));
        }

        return new ExternalDataReference(location, offset, length);
    }

    public void WriteTo(TensorProto tensor)
    {
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = LocationKey, Value = Location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = OffsetKey, Value = Offset.ToString(CultureInfo.InvariantCulture) });
        if (Length is { } length)
        {
            tensor.ExternalData.Add(new StringStringEntryProto { Key = LengthKey, Value = length.ToString(CultureInfo.InvariantCulture) });
        }

        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ClearRawData();
    }

    private static long ParseNonNegative(string text, string key, TensorProto tensor, string modelPath)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw GacException.Create(
            DiagnosticCatalogue.ExternalDataReferenceInvalid,
            $"Tensor '{tensor.Name}': external-data '{key}' is '{text}', expected a non-negative integer.",
            new SourceLocation(modelPath));
    }
}
