using System.Globalization;
using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

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
    public static IEnumerable<InputSet> Create(RunContext run, SessionSignature model, ShapeBucket bucket, InputDomains domains)
    {
        var spec = run.Spec.Calibration;
        if (spec.Source == CalibrationSource.Tokens)
        {
            return FromTokens(spec, model, bucket);
        }

        var source = InputSources.Calibration(run, domains);
        var count = Math.Min(spec.Samples, source.Count(model, bucket) ?? spec.Samples);
        return Enumerable.Range(0, count).Select(sample => source.Create(model, bucket, sample));
    }

    /// <summary>The sample of calibration.inputs seeded by <paramref name="seed"/>: every model input drawn from its own seeded uniform range.</summary>
    internal static InputSet FromGenerators(CalibrationSpec spec, SessionSignature model, int seed)
    {
        foreach (var name in model.InputNames)
        {
            if (spec.Inputs.All(i => i.Name != name))
            {
                throw Mismatch($"the model input '{name}' has no entry in calibration.inputs; list every input ({string.Join(", ", model.InputNames)}).");
            }
        }

        var random = new Random(seed);
        var tensors = new List<InputTensor>();
        foreach (var input in spec.Inputs)
        {
            if (!model.TryGetInput(input.Name, out var metadata))
            {
                throw Mismatch($"calibration.inputs names '{input.Name}', which the model does not have; its inputs are " +
                    $"{string.Join(", ", model.InputNames)}.");
            }

            CheckType(metadata, SpecEnumText.ToText(input.DType), "calibration.inputs");
            CheckShape(metadata, input.Shape);
            tensors.Add(Uniform(input, random));
        }

        return new InputSet(tensors);
    }

    /// <summary>calibration.npy: one tensor per input, one batch.</summary>
    internal static InputSet FromNpy(CalibrationSpec spec, SessionSignature model)
    {
        var tensors = new List<InputTensor>();
        foreach (var (name, path) in spec.Npy)
        {
            if (!model.TryGetInput(name, out var metadata))
            {
                throw Mismatch($"calibration.npy names '{name}', which the model does not have; its inputs are {string.Join(", ", model.InputNames)}.");
            }

            var array = NpyArray.Load(path.FullPath);
            CheckType(metadata, array.DType, $"'{path.Text}'");
            CheckShape(metadata, array.Shape);
            tensors.Add(FromNpyArray(name, array));
        }

        return new InputSet(tensors);
    }

    private static IEnumerable<InputSet> FromTokens(CalibrationSpec spec, SessionSignature model, ShapeBucket bucket)
    {
        var windows = TokenWindows(spec, model, bucket, skip: 0, count: spec.Samples);
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
    public static string TokenInput(SessionSignature model)
    {
        var integerInputs = model.Inputs.Where(m => m.Element == OnnxDataType.Int64 && !IsMaskOrPositions(m)).ToList();
        var others = model.Inputs.Where(m => m.Element != OnnxDataType.Int64);
        if (integerInputs.Count != 1 || integerInputs[0].Rank != 2 || !others.All(IsCache))
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.tokens needs a model with one int64 input of shape [batch, seq] and, besides it, only an attention mask, position ids and " +
                    $"k/v-cache inputs (float, with a past-length dim); this model's inputs are {model.Describe()}.");
        }

        return integerInputs[0].Name;
    }

    /// <summary>An int64 [batch, n] input named as a mask or as positions (Hugging Face's names).</summary>
    private static bool IsMaskOrPositions(SessionInput input)
        => input.Rank == 2
            && IntegerInputDomain.KindFromName(input.Name) is IntegerInputKind.Ones or IntegerInputKind.Positions;

    /// <summary>
    /// Consecutive windows of batch × seq token ids from calibration.tokens, skipping the first
    /// <paramref name="skip"/>: calibration takes windows 0…samples−1 and validation the next
    /// heldout_samples, so perplexity is measured on text calibration never saw. k/v-cache inputs
    /// get empty tensors: each window is a prefill from its first token.
    /// </summary>
    public static IReadOnlyList<Func<InputSet>> TokenWindows(CalibrationSpec spec, SessionSignature model, ShapeBucket bucket, int skip, int count)
    {
        var name = TokenInput(model);
        var shape = RandomInputs.ResolveShape(model[name], bucket);
        var caches = model.Inputs.Where(m => m.Name != name && !IsMaskOrPositions(m))
            .Select(m => (m.Name, m.Element, Shape: RandomInputs.ResolveShape(m, bucket)))
            .ToList();
        var prefillInputs = model.Inputs.Where(m => m.Name != name && IsMaskOrPositions(m))
            .Select(m => (m.Name, Kind: IntegerInputDomain.KindFromName(m.Name), Shape: RandomInputs.ResolveShape(m, bucket)))
            .ToList();
        foreach (var cache in caches.Where(c => c.Shape.Aggregate(1L, (a, d) => a * d) != 0))
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.tokens feeds '{name}' only, but the k/v-cache input '{cache.Name}' would be [{string.Join(", ", cache.Shape)}] in shape " +
                    $"{bucket}; leave its past-length dim out of the shapes (it defaults to 0, an empty cache).");
        }

        var window = checked((int)(shape[0] * shape[1]));
        var tokens = ReadTokens(spec.Tokens!.FullPath);
        var available = Math.Max(0, (tokens.Length / window) - skip);
        return Enumerable.Range(skip, Math.Min(count, available))
            .Select(i => (Func<InputSet>)(() => new InputSet(
                [
                    InputTensor.Of(name, tokens.AsSpan(i * window, window).ToArray(), shape),
                    .. prefillInputs.Select(p => PrefillValues(p.Name, p.Kind, p.Shape)),
                    .. caches.Select(c => EmptyCache(c.Name, c.Element, c.Shape)),
                ])))
            .ToList();
    }

    /// <summary>An unpadded prefill's mask (all 1) or positions (0 … n−1 on every row).</summary>
    private static InputTensor PrefillValues(string name, IntegerInputKind kind, long[] shape)
    {
        var count = checked((int)(shape[0] * shape[1]));
        var values = kind == IntegerInputKind.Ones
            ? Enumerable.Repeat(1L, count).ToArray()
            : Enumerable.Range(0, count).Select(i => i % shape[1]).ToArray();
        return InputTensor.Of(name, values, shape);
    }

    private static bool IsCache(SessionInput metadata)
        => metadata.Element is OnnxDataType.Float or OnnxDataType.Float16
            && metadata.SymbolicDimensions.Any(d => !string.IsNullOrEmpty(d) && ShapeBuckets.IsPastLength(d));

    /// <summary>A tensor with a 0-length past axis; fp16 for models whose weights and inputs were converted.</summary>
    internal static InputTensor EmptyCache(string name, OnnxDataType type, long[] shape)
        => type == OnnxDataType.Float16
            ? InputTensor.Of(name, Array.Empty<Half>(), shape)
            : InputTensor.Of(name, Array.Empty<float>(), shape);

    internal static long[] ReadTokens(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.CalibrationDataMalformed, $"Token file '{path}' cannot be read: {e.Message}", new SourceLocation(
                path), e);
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
    private static void CheckType(SessionInput metadata, string dtype, string source)
    {
        OnnxDataType? given = dtype switch
        {
            "float32" => OnnxDataType.Float,
            "float16" => OnnxDataType.Float16,
            "int64" => OnnxDataType.Int64,
            "int32" => OnnxDataType.Int32,
            _ => null,
        };
        if (given != metadata.Element)
        {
            throw Mismatch($"input '{metadata.Name}' takes {metadata.Element}, but {source} holds {dtype}.");
        }
    }

    private static void CheckShape(SessionInput metadata, IReadOnlyList<long> shape)
    {
        var fits = shape.Count == metadata.Rank
            && shape.Select((d, i) => metadata.Dimensions[i] <= 0 || metadata.Dimensions[i] == d).All(ok => ok);
        if (!fits)
        {
            var expected = string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(CultureInfo.InvariantCulture)
                : metadata.SymbolicDimensions.ElementAtOrDefault(i) ?? "?"));
            throw Mismatch($"input '{metadata.Name}' expects shape [{expected}], calibration data has [{string.Join(", ", shape)}].");
        }
    }

    private static InputTensor Uniform(CalibrationInput input, Random random)
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

                    return InputTensor.Of(input.Name, data, shape);
                }

            case TensorDType.Int32:
                {
                    var data = new int[count];
                    for (var i = 0; i < count; i++)
                    {
                        data[i] = (int)Math.Floor(input.Min + (random.NextDouble() * (input.Max - input.Min + 1)));
                    }

                    return InputTensor.Of(input.Name, data, shape);
                }

            case TensorDType.Float16:
                {
                    var data = new Half[count];
                    for (var i = 0; i < count; i++)
                    {
                        data[i] = (Half)(input.Min + (random.NextDouble() * (input.Max - input.Min)));
                    }

                    return InputTensor.Of(input.Name, data, shape);
                }

            default:
                {
                    var data = new float[count];
                    for (var i = 0; i < count; i++)
                    {
                        data[i] = (float)(input.Min + (random.NextDouble() * (input.Max - input.Min)));
                    }

                    return InputTensor.Of(input.Name, data, shape);
                }
        }
    }

    private static InputTensor FromNpyArray(string name, NpyArray array)
    {
        var shape = array.Shape.ToArray();
        return array.DType switch
        {
            "float32" => InputTensor.Of(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(array.Data).ToArray(), shape),
            "float16" => InputTensor.Of(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(array.Data).ToArray(), shape),
            "int64" => InputTensor.Of(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(array.Data).ToArray(), shape),
            _ => InputTensor.Of(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(array.Data).ToArray(), shape),
        };
    }

    private static GacException Mismatch(string message)
        => GacException.Create(DiagnosticCatalogue.CalibrationInputMismatch, "Calibration data does not fit the model: " + message);
}
