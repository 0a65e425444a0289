namespace Gac.Core.Spec;

/// <summary>
/// Calibration inputs. Exactly one source applies (<see cref="Source"/>); the fields of the
/// other sources are empty.
/// </summary>
public sealed record CalibrationSpec(
    int Samples,
    int Seed,
    CalibrationSource Source,
    SpecPath? Tokens,
    IReadOnlyDictionary<string, SpecPath> Npy,
    IReadOnlyList<CalibrationInput> Inputs,
    IReadOnlyDictionary<string, long> Dims);

/// <summary>A seeded uniform generator for one graph input.</summary>
public sealed record CalibrationInput(string Name, IReadOnlyList<long> Shape, TensorDType DType, double Min, double Max);
