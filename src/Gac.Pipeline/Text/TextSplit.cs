using Gac.Core.Diagnostics;

namespace Gac.Pipeline.Text;

/// <summary>
/// The deterministic split of calibration.text into what calibration sees and what validation holds
/// out. Units are tokens of the running text (language models) or sentences (encoders); calibration
/// takes the first <see cref="CalibrationUnits"/>, validation the next <see cref="HeldoutUnits"/>
/// from <see cref="HeldoutStart"/> on. The ranges touch but never overlap, whatever the two shapes
/// are, so held-out text is never seen by calibration.
/// </summary>
public sealed record TextSplit(int CalibrationUnits, int HeldoutStart, int HeldoutUnits)
{
    public Range Calibration => 0..CalibrationUnits;

    public Range Heldout => HeldoutStart..(HeldoutStart + HeldoutUnits);

    /// <param name="available">Units in the text.</param>
    /// <param name="calibrationUnits">samples × the units one calibration sample takes (batch × seq tokens, or batch sentences).</param>
    /// <param name="heldoutUnits">heldout_samples × the units one validation sample takes.</param>
    /// <param name="unit">"tokens" or "sentences", for the message.</param>
    public static TextSplit Of(int available, long calibrationUnits, long heldoutUnits, string unit, string path)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(available);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calibrationUnits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heldoutUnits);
        if (calibrationUnits + heldoutUnits > available)
        {
            throw GacException.Create(
                DiagnosticCatalogue.TextTooShort,
                $"calibration.text '{path}' has {available} {unit}; calibration needs the first {calibrationUnits} and held-out validation the next " +
                    $"{heldoutUnits} ({calibrationUnits + heldoutUnits} in all). Add text, or lower calibration.samples / validation.heldout_samples.",
                new SourceLocation(path));
        }

        return new TextSplit((int)calibrationUnits, (int)calibrationUnits, (int)heldoutUnits);
    }
}
