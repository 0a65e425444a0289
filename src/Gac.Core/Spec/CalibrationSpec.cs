namespace Gac.Core.Spec;

/// <summary>
/// Calibration inputs. Exactly one source applies (<see cref="Source"/>); the fields of the
/// other sources are empty.
/// </summary>
/// <param name="Text">calibration.text: real text tokenized with the model's tokenizer (source <see cref="CalibrationSource.Text"/>).</param>
/// <param name="Tokenizer">The tokenizer file calibration.text uses: calibration.tokenizer, else the one found beside a Hugging Face checkpoint (<see
/// cref="TokenizerFiles.BesideCheckpoint"/>); null without text.</param>
/// <param name="Mode">calibration.mode: one whole-model session, or block by block for models that do not fit in memory.</param>
public sealed record CalibrationSpec(
    int Samples,
    int Seed,
    CalibrationSource Source,
    SpecPath? Tokens,
    IReadOnlyDictionary<string, SpecPath> Npy,
    IReadOnlyList<CalibrationInput> Inputs,
    IReadOnlyDictionary<string, long> Dims,
    SpecPath? Text = null,
    SpecPath? Tokenizer = null,
    CalibrationMode Mode = CalibrationMode.Auto);

/// <summary>A seeded uniform generator for one graph input.</summary>
public sealed record CalibrationInput(string Name, IReadOnlyList<long> Shape, TensorDType DType, double Min, double Max);
