namespace Gac.Runtime.Segments;

/// <summary>
/// One segment of a model as <see cref="SegmentedRun"/> sees it: the tensors it reads that earlier
/// segments (or the batch) produced, and the tensors it produces that later segments read or a caller
/// observes. The model itself is built on demand, once the element types of its inputs are known.
/// </summary>
public sealed record RunSegment(string Label, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
