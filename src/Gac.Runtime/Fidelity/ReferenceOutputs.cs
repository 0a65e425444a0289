namespace Gac.Runtime.Fidelity;

/// <summary>The original model's compared output on each held-out sample, recorded once.</summary>
public sealed record ReferenceOutputs(FidelitySettings Settings, string OutputName, IReadOnlyList<ReferenceSample> Samples);

/// <param name="TokenIds">The sample's token ids when perplexity is computed, else null.</param>
public sealed record ReferenceSample(float[] Values, long[] Shape, long[]? TokenIds);
