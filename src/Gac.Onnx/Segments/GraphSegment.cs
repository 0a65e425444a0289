namespace Gac.Onnx.Segments;

/// <summary>
/// One run of consecutive nodes of a graph (nodes [<see cref="FirstNode"/>, <see cref="EndNode"/>) in
/// topological order). <see cref="Inputs"/> are the tensors it reads that an earlier segment (or the
/// caller, for graph inputs) produced; <see cref="Outputs"/> are the tensors it produces that a later
/// segment reads, the graph returns, or a caller asked to observe. <see cref="WeightBytes"/> counts the
/// initializers its nodes read: what one session of this segment holds.
/// </summary>
public sealed record GraphSegment(
    int Index,
    string Label,
    int FirstNode,
    int EndNode,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Initializers,
    long WeightBytes);
