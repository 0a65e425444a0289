namespace Gac.Core.Model.Architectures;

public enum RopeScalingKind
{
    /// <summary>transformers' "default": θ^(−2i/d) unchanged.</summary>
    None,

    /// <summary>Positions divided by <see cref="RopeScaling.Factor"/> (position interpolation, Chen et al. 2023).</summary>
    Linear,

    /// <summary>Llama 3.1's per-frequency rule: high frequencies kept, low ones divided by the factor, a smooth ramp between.</summary>
    Llama3,

    /// <summary>YaRN (Peng et al. 2023): a ramp between interpolated and extrapolated frequencies, cos/sin scaled by an attention factor.</summary>
    Yarn,

    /// <summary>
    /// LongRoPE (Ding et al. 2024; Phi-3): per-frequency divisors, short_factor while the sequence
    /// (last position + 1) fits the original context, long_factor beyond it.
    /// </summary>
    LongRope,
}

/// <summary>
/// config.json's rope_scaling (transformers 4.x) or rope_parameters (5.x), reduced to what changes
/// the rotary frequencies and the factor cos/sin are multiplied by.
/// </summary>
public sealed record RopeScaling(
    RopeScalingKind Kind,
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    long OriginalMaxPositions = 8192)
{
    public static RopeScaling None { get; } = new(RopeScalingKind.None);

    /// <summary>YaRN's beta_fast (rotations where extrapolation ends); transformers defaults it to 32.</summary>
    public double BetaFast { get; init; } = 32;

    /// <summary>YaRN's beta_slow (rotations where interpolation starts); transformers defaults it to 1.</summary>
    public double BetaSlow { get; init; } = 1;

    /// <summary>YaRN's truncate: round the correction range outwards to whole dimensions (transformers' default true).</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>What transformers multiplies cos and sin by ("attention_scaling"); 1 except for YaRN and LongRoPE.</summary>
    public double AttentionFactor { get; init; } = 1.0;

    /// <summary>LongRoPE's short_factor, one divisor per frequency (rotary_dim / 2 of them).</summary>
    public IReadOnlyList<double> ShortFactors { get; init; } = [];

    /// <summary>LongRoPE's long_factor, used when the sequence outgrows <see cref="OriginalMaxPositions"/>.</summary>
    public IReadOnlyList<double> LongFactors { get; init; } = [];

    /// <summary>By value, the factor lists included, so configs read from equal JSON are equal records.</summary>
    public bool Equals(RopeScaling? other)
        => other is not null && Kind == other.Kind && Factor == other.Factor && LowFreqFactor == other.LowFreqFactor
            && HighFreqFactor == other.HighFreqFactor && OriginalMaxPositions == other.OriginalMaxPositions && BetaFast == other.BetaFast
            && BetaSlow == other.BetaSlow && Truncate == other.Truncate && AttentionFactor == other.AttentionFactor
            && ShortFactors.SequenceEqual(other.ShortFactors) && LongFactors.SequenceEqual(other.LongFactors);

    public override int GetHashCode() => HashCode.Combine(Kind, Factor, OriginalMaxPositions, AttentionFactor, ShortFactors.Count, LongFactors.Count);

    /// <summary>
    /// The rotary inverse frequencies θ^(−2i/d), i = 0 … d/2 − 1 (RoFormer, Su et al. 2021), after
    /// scaling, for rotary width d. Computed in double; the graph and the reference forward round
    /// them once to float32, the precision transformers computes them in.
    /// </summary>
    /// <param name="longContext">LongRoPE only: the frequencies for a sequence longer than the original context.</param>
    public double[] InverseFrequencies(int rotaryDim, double theta, bool longContext = false)
    {
        var half = rotaryDim / 2;
        var frequencies = new double[half];
        var (low, high) = Kind == RopeScalingKind.Yarn ? YarnCorrectionRange(rotaryDim, theta) : (0, 0);
        for (var i = 0; i < half; i++)
        {
            var f = 1.0 / Math.Pow(theta, 2.0 * i / rotaryDim);
            frequencies[i] = Kind switch
            {
                RopeScalingKind.Linear => f / Factor,
                RopeScalingKind.Llama3 => Llama3(f),
                RopeScalingKind.Yarn => Yarn(f, i, low, high),
                RopeScalingKind.LongRope => f / (longContext ? LongFactors : ShortFactors)[i],
                _ => f,
            };
        }

        return frequencies;
    }

    /// <summary>
    /// Llama 3.1 (Meta's reference code, apply_scaling): wavelengths shorter than
    /// original/high_freq_factor are kept, longer than original/low_freq_factor divided by the
    /// factor, and in between interpolated linearly in original/wavelength.
    /// </summary>
    private double Llama3(double frequency)
    {
        var wavelength = 2 * Math.PI / frequency;
        var highFrequencyWavelength = OriginalMaxPositions / HighFreqFactor;
        var lowFrequencyWavelength = OriginalMaxPositions / LowFreqFactor;
        if (wavelength < highFrequencyWavelength)
        {
            return frequency;
        }

        if (wavelength > lowFrequencyWavelength)
        {
            return frequency / Factor;
        }

        var smooth = ((OriginalMaxPositions / wavelength) - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
        return ((1 - smooth) * frequency / Factor) + (smooth * frequency);
    }

    /// <summary>
    /// YaRN (paper §3.2 "NTK-by-parts"): dimension i keeps its frequency (extrapolates) below the
    /// correction range, is divided by the factor (interpolates) above it, and blends linearly inside.
    /// </summary>
    private double Yarn(double frequency, int i, double low, double high)
    {
        if (low == high)
        {
            high += 0.001; // the paper's guard against a zero-width ramp, as transformers keeps it
        }

        var ramp = Math.Clamp((i - low) / (high - low), 0, 1);
        var extrapolation = 1 - ramp;
        return (frequency / Factor * (1 - extrapolation)) + (frequency * extrapolation);
    }

    /// <summary>The dimensions where the rotations over the original context equal beta_fast and beta_slow.</summary>
    private (double Low, double High) YarnCorrectionRange(int rotaryDim, double theta)
    {
        double Dimension(double rotations) => rotaryDim * Math.Log(OriginalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        var low = Dimension(BetaFast);
        var high = Dimension(BetaSlow);
        if (Truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }

        return (Math.Max(low, 0), Math.Min(high, rotaryDim - 1));
    }
}
