namespace Gac.Core.Model.Architectures;

public enum RopeScalingKind
{
    None,

    /// <summary>Positions divided by <see cref="RopeScaling.Factor"/> (position interpolation, Chen et al. 2023).</summary>
    Linear,

    /// <summary>Llama 3.1's per-frequency rule: high frequencies kept, low ones divided by the factor, a smooth ramp between.</summary>
    Llama3,
}

/// <summary>config.json's rope_scaling, reduced to what changes the rotary frequencies.</summary>
public sealed record RopeScaling(
    RopeScalingKind Kind,
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    long OriginalMaxPositions = 8192)
{
    public static RopeScaling None { get; } = new(RopeScalingKind.None);

    /// <summary>
    /// The rotary inverse frequencies θ^(−2i/d), i = 0 … d/2 − 1 (RoFormer, Su et al. 2021), after
    /// scaling. Computed in double and rounded once, so the exporter and the reference forward
    /// share exactly the same table.
    /// </summary>
    public double[] InverseFrequencies(int headDim, double theta)
    {
        var half = headDim / 2;
        var frequencies = new double[half];
        for (var i = 0; i < half; i++)
        {
            var f = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
            frequencies[i] = Kind switch
            {
                RopeScalingKind.Linear => f / Factor,
                RopeScalingKind.Llama3 => Llama3(f),
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
}
