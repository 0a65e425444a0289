using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// calibration.tokens against the model: every id inside the vocabulary, and enough ids for the
/// calibration windows plus at least one held-out window (what the run would otherwise find after
/// exporting, calibrating and compressing).
/// </summary>
internal static class TokenReadiness
{
    public static void Check(GacSpec spec, ModelHeader header, IReadOnlyDictionary<string, long> calibrationDims,
        IReadOnlyDictionary<string, long> validationDims)
    {
        var tokensPath = spec.Calibration.Tokens!;
        var input = header.Inputs.FirstOrDefault(i => i.IsInteger && i.Dims.Count == 2);
        if (input is null)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.tokens needs a model with an integer input of shape [batch, seq]; this model's inputs are " +
                    $"{string.Join(", ", header.Inputs.Select(i => $"{i.Name} ({i.ElementType}, rank {i.Dims.Count})"))}.");
        }

        var tokens = CalibrationFeeds.ReadTokens(tokensPath.FullPath);
        if (header.VocabularySize is { } vocabulary && tokens.Length > 0 && tokens.Max() >= vocabulary)
        {
            var (line, id) = FirstOutside(tokensPath.FullPath, vocabulary);
            throw GacException.Create(
                DiagnosticCatalogue.TokenIdOutsideVocabulary,
                string.Create(CultureInfo.InvariantCulture, $"token id {id} is outside the model's vocabulary of {vocabulary:N0} ids (0 to {vocabulary - 1})."),
                new SourceLocation(tokensPath.Text, line));
        }

        var calibrationWindow = Window(input, calibrationDims);
        var validationWindow = Window(input, validationDims);
        var samples = spec.Calibration.Samples;
        if (tokens.Length / calibrationWindow < 1)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataMalformed,
                $"'{tokensPath.Text}' holds {tokens.Length:N0} token ids, too few for one calibration window of {calibrationWindow:N0} " +
                    $"({Describe(calibrationDims)}).",
                new SourceLocation(tokensPath.Text));
        }

        if ((tokens.Length / validationWindow) - samples < 1)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataMalformed,
                $"'{tokensPath.Text}' holds {tokens.Length:N0} token ids: no window of {validationWindow:N0} ({Describe(validationDims)}) is left for " +
                    $"held-out validation after the {samples} calibration windows; add text or lower calibration.samples.",
                new SourceLocation(tokensPath.Text));
        }
    }

    private static long Window(ModelInput input, IReadOnlyDictionary<string, long> dims)
        => input.Dims.Aggregate(1L, (product, d) => product * (d.Size ?? (d.Symbol is { Length: > 0 } s && dims.TryGetValue(s, out var v) ? v : 1)));

    private static string Describe(IReadOnlyDictionary<string, long> dims) => string.Join(", ", dims.Select(d => $"{d.Key}={d.Value}"));

    /// <summary>The first id at or above the vocabulary and its 1-based line, for the diagnostic.</summary>
    private static (int Line, long Id) FirstOutside(string path, long vocabulary)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= vocabulary)
                {
                    return (line, id);
                }
            }
        }

        return (0, vocabulary);
    }
}
