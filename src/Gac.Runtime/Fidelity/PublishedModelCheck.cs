using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Fidelity;

/// <summary>What the published model gave compared with the validated candidate.</summary>
public sealed record PublishedModelMatch(int Samples, double MaxAbsDiff, bool Identical);

/// <summary>
/// Proves that the artifact that was published is the artifact that was validated: opens the model
/// from its final path in a fresh session (so ONNX Runtime resolves its external data there, as a
/// user's program will), reruns the validation inputs and compares the output with the candidate's
/// recorded one. Same bytes, same runtime and provider give the same numbers; the tolerance only
/// admits run-to-run noise of kernels that are not deterministic (some GPU reductions):
/// |published − validated| ≤ <see cref="RelativeTolerance"/> · max(1, max |validated|) per sample.
/// </summary>
public static class PublishedModelCheck
{
    public const double RelativeTolerance = 1e-5;

    /// <exception cref="GacException">GAC5020 when the model does not load or run; GAC5021 when the outputs differ.</exception>
    public static PublishedModelMatch Verify(OrtSessionFactory sessions, string publishedPath, ReferenceOutputs validated,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(validated);
        IReadOnlyList<ReferenceSample> rerun;
        try
        {
            using var published = sessions.Open(publishedPath, "published");
            rerun = FidelityEvaluator.Rerun(validated, published, cancellationToken);
        }
        catch (GacException e) when (e.Diagnostics.Count > 0 && e.Diagnostics[0].Code != DiagnosticCatalogue.CudaProviderUnavailable.Code)
        {
            throw new GacException(
                new Diagnostic(DiagnosticCatalogue.PublishedArtifactUnloadable, $"The published model '{publishedPath}' could not be run from where it was " +
                    $"published: {e.Diagnostics[0].Message}", new SourceLocation(publishedPath)),
                e)
            { ExitCode = ExitCodes.InternalError };
        }

        return Compare(publishedPath, validated, rerun);
    }

    /// <summary>Compares outputs sample by sample; public so the comparison can be tested without a runtime.</summary>
    public static PublishedModelMatch Compare(string publishedPath, ReferenceOutputs validated, IReadOnlyList<ReferenceSample> published)
    {
        ArgumentNullException.ThrowIfNull(validated);
        ArgumentNullException.ThrowIfNull(published);
        var identical = true;
        var maxDiff = 0.0;
        for (var s = 0; s < validated.Samples.Count; s++)
        {
            var expected = validated.Samples[s];
            var actual = published[s];
            if (!expected.Shape.SequenceEqual(actual.Shape))
            {
                throw Mismatch(publishedPath, $"output '{validated.OutputName}' of sample {s} is [{string.Join(",", actual.Shape)}], the validated " +
                    $"candidate's was [{string.Join(",", expected.Shape)}]");
            }

            var scale = 1.0;
            foreach (var v in expected.Values)
            {
                scale = Math.Max(scale, Math.Abs((double)v));
            }

            for (var i = 0; i < expected.Values.Length; i++)
            {
                var a = expected.Values[i];
                var b = actual.Values[i];
                identical &= a.Equals(b);
                var diff = Math.Abs((double)a - b);
                if (!(diff <= RelativeTolerance * scale))
                {
                    throw Mismatch(publishedPath, string.Create(CultureInfo.InvariantCulture,
                        $"output '{validated.OutputName}' of sample {s} differs at element {i}: {b} published, {a} validated (tolerance " +
                        $"{RelativeTolerance * scale:G3})"));
                }

                maxDiff = Math.Max(maxDiff, diff);
            }
        }

        return new PublishedModelMatch(validated.Samples.Count, maxDiff, identical);
    }

    private static GacException Mismatch(string publishedPath, string what)
        => new(new Diagnostic(DiagnosticCatalogue.PublishedArtifactMismatch, $"The published model '{publishedPath}' is not the validated candidate: {what}.",
            new SourceLocation(publishedPath)))
        {
            ExitCode = ExitCodes.InternalError,
        };
}
