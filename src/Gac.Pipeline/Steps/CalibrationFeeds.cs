using System.Globalization;
using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The calibration inputs a spec describes, produced one batch at a time so activations are never
/// all held at once: generated from the model's input metadata and graph (default), a seeded
/// uniform generator per input, one .npy tensor per input, a token-id file cut into windows, or
/// calibration.text (its calibration part; the held-out part is checked to exist, never fed).
/// Validation and benchmarks draw from the same kind of source (<see cref="InputSources"/>).
/// </summary>
public static class CalibrationFeeds
{
    public static IEnumerable<InputSet> Create(RunContext run, InferenceSession session, ShapeBucket bucket, InputDomains domains)
    {
        var spec = run.Spec.Calibration;
        if (spec.Source == CalibrationSource.Tokens)
        {
            return FromTokens(spec, session, bucket);
        }

        var source = InputSources.Calibration(run, domains);
        var count = Math.Min(spec.Samples, source.Count(session, bucket) ?? spec.Samples);
        return Enumerable.Range(0, count).Select(sample => source.Create(session, bucket, sample));
    }

    /// <summary>Sample <paramref name="sample"/> of calibration.inputs: every model input drawn from its own seeded uniform range.</summary>
    internal static InputSet FromGenerators(CalibrationSpec spec, InferenceSession session, int seed)
    {
        foreach (var name in session.InputMetadata.Keys)
        {
            if (spec.Inputs.All(i => i.Name != name))
            {
                throw Mismatch($"the model input '{name}' has no entry in calibration.inputs; list every input ({string.Join(", ", session.InputMetadata.Keys)}).");
            }
        }

        var random = new Random(seed);
        var names = new List<string>();
        var values = new List<OrtValue>();
        foreach (var input in spec.Inputs)
        {
            if (!session.InputMetadata.TryGetValue(input.Name, out var metadata))
            {
                values.ForEach(v => v.Dispose());
                throw Mismatch($"calibration.inputs names '{input.Name}', which the model does not have; its inputs are {string.Join(", ", session.InputMetadata.Keys)}.");
            }

            CheckType(input.Name, metadata, SpecEnumText.ToText(input.DType), "calibration.inputs");
            CheckShape(input.Name, metadata, input.Shape);
            names.Add(input.Name);
            values.Add(Uniform(input, random));
        }

        return new InputSet(names, values);
    }

    /// <summary>calibration.npy: one tensor per input, one batch.</summary>
    internal static InputSet FromNpy(CalibrationSpec spec, InferenceSession session)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        foreach (var (name, path) in spec.Npy)
        {
            if (!session.InputMetadata.TryGetValue(name, out var metadata))
            {
                values.ForEach(v => v.Dispose());
                throw Mismatch($"calibration.npy names '{name}', which the model does not have; its inputs are {string.Join(", ", session.InputMetadata.Keys)}.");
            }

            var array = NpyArray.Load(path.FullPath);
            CheckType(name, metadata, array.DType, $"'{path.Text}'");
            CheckShape(name, metadata, array.Shape);
            names.Add(name);
            values.Add(FromNpyArray(array));
        }

        return new InputSet(names, values);
    }

    private static IEnumerable<InputSet> FromTokens(CalibrationSpec spec, InferenceSession session, ShapeBucket bucket)
    {
        var windows = TokenWindows(spec, session, bucket, skip: 0, count: spec.Samples);
        if (windows.Count == 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataMalformed,
                $"'{spec.Tokens!.Text}' holds too few token ids for one calibration window of the shape {bucket}.",
                new SourceLocation(spec.Tokens.Text));
        }

        return windows.Select(w => w());
    }

    /// <summary>
    /// The int64 [batch, seq] input that token windows feed. Besides it the model may have an int64
    /// attention mask and position ids (fed ones and 0 … seq−1: an unpadded prefill) and float k/v
    /// caches (a dim named like "past_sequence"), fed empty: a decode-ready export run as a prefill.
    /// </summary>
    public static string TokenInput(InferenceSession session)
    {
        var integerInputs = session.InputMetadata.Where(m => m.Value.ElementDataType == TensorElementType.Int64 && !IsMaskOrPositions(m.Key, m.Value)).ToList();
        var others = session.InputMetadata.Where(m => m.Value.ElementDataType != TensorElementType.Int64);
        if (integerInputs.Count != 1 || integerInputs[0].Value.Dimensions.Length != 2 || !others.All(m => IsCache(m.Value)))
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.tokens needs a model with one int64 input of shape [batch, seq] and, besides it, only an attention mask, position ids and k/v-cache inputs (float, with a past-length dim); this model's inputs are {string.Join(", ", session.InputMetadata.Select(m => $"{m.Key} ({m.Value.ElementDataType}, rank {m.Value.Dimensions.Length})"))}.");
        }

        return integerInputs[0].Key;
    }

    /// <summary>An int64 [batch, n] input named as a mask or as positions (Hugging Face's names).</summary>
    private static bool IsMaskOrPositions(string name, NodeMetadata metadata)
        => metadata.Dimensions.Length == 2
            && IntegerInputDomain.KindFromName(name) is IntegerInputKind.Ones or IntegerInputKind.Positions;

    /// <summary>
    /// Consecutive windows of batch × seq token ids from calibration.tokens, skipping the first
    /// <paramref name="skip"/>: calibration takes windows 0…samples−1 and validation the next
    /// heldout_samples, so perplexity is measured on text calibration never saw. k/v-cache inputs
    /// get empty tensors: each window is a prefill from its first token.
    /// </summary>
    public static IReadOnlyList<Func<InputSet>> TokenWindows(CalibrationSpec spec, InferenceSession session, ShapeBucket bucket, int skip, int count)
    {
        var name = TokenInput(session);
        var shape = RandomInputs.ResolveShape(name, session.InputMetadata[name], bucket);
        var caches = session.InputMetadata.Where(m => m.Key != name && !IsMaskOrPositions(m.Key, m.Value))
            .Select(m => (Name: m.Key, m.Value.ElementDataType, Shape: RandomInputs.ResolveShape(m.Key, m.Value, bucket)))
            .ToList();
        var prefillInputs = session.InputMetadata.Where(m => m.Key != name && IsMaskOrPositions(m.Key, m.Value))
            .Select(m => (Name: m.Key, Kind: IntegerInputDomain.KindFromName(m.Key), Shape: RandomInputs.ResolveShape(m.Key, m.Value, bucket)))
            .ToList();
        foreach (var cache in caches.Where(c => c.Shape.Aggregate(1L, (a, d) => a * d) != 0))
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.tokens feeds '{name}' only, but the k/v-cache input '{cache.Name}' would be [{string.Join(", ", cache.Shape)}] in shape {bucket}; leave its past-length dim out of the shapes (it defaults to 0, an empty cache).");
        }

        var window = checked((int)(shape[0] * shape[1]));
        var tokens = ReadTokens(spec.Tokens!.FullPath);
        var available = Math.Max(0, (tokens.Length / window) - skip);
        return Enumerable.Range(skip, Math.Min(count, available))
            .Select(i => (Func<InputSet>)(() => new InputSet(
                [name, .. prefillInputs.Select(p => p.Name), .. caches.Select(c => c.Name)],
                [
                    OrtValue.CreateTensorValueFromMemory(tokens.AsSpan(i * window, window).ToArray(), shape),
                    .. prefillInputs.Select(p => PrefillValues(p.Kind, p.Shape)),
                    .. caches.Select(c => EmptyCache(c.ElementDataType, c.Shape)),
                ])))
            .ToList();
    }

    /// <summary>An unpadded prefill's mask (all 1) or positions (0 … n−1 on every row).</summary>
    private static OrtValue PrefillValues(IntegerInputKind kind, long[] shape)
    {
        var count = checked((int)(shape[0] * shape[1]));
        var values = kind == IntegerInputKind.Ones
            ? Enumerable.Repeat(1L, count).ToArray()
            : Enumerable.Range(0, count).Select(i => i % shape[1]).ToArray();
        return OrtValue.CreateTensorValueFromMemory(values, shape);
    }

    private static bool IsCache(NodeMetadata metadata)
        => metadata.ElementDataType is TensorElementType.Float or TensorElementType.Float16
            && metadata.SymbolicDimensions.Any(d => !string.IsNullOrEmpty(d) && ShapeBuckets.IsPastLength(d));

    /// <summary>A tensor with a 0-length past axis; fp16 for models whose weights and inputs were converted.</summary>
    private static OrtValue EmptyCache(TensorElementType type, long[] shape)
        => type == TensorElementType.Float16
            ? OrtValue.CreateTensorValueFromMemory(new Float16[0], shape)
            : OrtValue.CreateTensorValueFromMemory(new float[0], shape);

    internal static long[] ReadTokens(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.CalibrationDataMalformed, $"Token file '{path}' cannot be read: {e.Message}", new SourceLocation(path), e);
        }

        var tokens = new List<long>();
        var line = 1;
        foreach (var rawLine in text.Split('\n'))
        {
            foreach (var word in rawLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || id < 0)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.CalibrationDataMalformed,
                        $"'{word}' is not a token id (a non-negative integer).",
                        new SourceLocation(path, line));
                }

                tokens.Add(id);
            }

            line++;
        }

        return tokens.ToArray();
    }

    /// <summary>ONNX Runtime does not convert element types: a float32 tensor fed to an int64 input fails inside Run.</summary>
    private static void CheckType(string name, NodeMetadata metadata, string dtype, string source)
    {
        var given = dtype switch
        {
            "float32" => TensorElementType.Float,
            "float16" => TensorElementType.Float16,
            "int64" => TensorElementType.Int64,
            "int32" => TensorElementType.Int32,
            _ => TensorElementType.DataTypeMax,
        };
        if (given != metadata.ElementDataType)
        {
            throw Mismatch($"input '{name}' takes {metadata.ElementDataType}, but {source} holds {dtype}.");
        }
    }

    private static void CheckShape(string name, NodeMetadata metadata, IReadOnlyList<long> shape)
    {
        var fits = shape.Count == metadata.Dimensions.Length
            && shape.Select((d, i) => metadata.Dimensions[i] <= 0 || metadata.Dimensions[i] == d).All(ok => ok);
        if (!fits)
        {
            var expected = string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : metadata.SymbolicDimensions.ElementAtOrDefault(i) ?? "?"));
            throw Mismatch($"input '{name}' expects shape [{expected}], calibration data has [{string.Join(", ", shape)}].");
        }
    }

    private static OrtValue Uniform(CalibrationInput input, Random random)
    {
        var shape = input.Shape.ToArray();
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        switch (input.DType)
        {
            case TensorDType.Int64:
            {
                var data = new long[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = (long)Math.Floor(input.Min + (random.NextDouble() * (input.Max - input.Min + 1)));
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            case TensorDType.Int32:
            {
                var data = new int[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = (int)Math.Floor(input.Min + (random.NextDouble() * (input.Max - input.Min + 1)));
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            case TensorDType.Float16:
            {
                var data = new Float16[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = (Float16)(float)(input.Min + (random.NextDouble() * (input.Max - input.Min)));
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            default:
            {
                var data = new float[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = (float)(input.Min + (random.NextDouble() * (input.Max - input.Min)));
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }
        }
    }

    private static OrtValue FromNpyArray(NpyArray array)
    {
        var shape = array.Shape.ToArray();
        return array.DType switch
        {
            "float32" => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(array.Data).ToArray(), shape),
            "float16" => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Float16>(array.Data).ToArray(), shape),
            "int64" => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(array.Data).ToArray(), shape),
            _ => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(array.Data).ToArray(), shape),
        };
    }

    private static GacException Mismatch(string message)
        => GacException.Create(DiagnosticCatalogue.CalibrationInputMismatch, "Calibration data does not fit the model: " + message);
}
