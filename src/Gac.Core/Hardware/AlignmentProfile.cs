namespace Gac.Core.Hardware;

/// <summary>
/// What a target GPU and data type want from GEMM and attention dimensions. Multiples are in
/// elements. <see cref="Source"/> cites where each rule comes from.
/// </summary>
public sealed record AlignmentProfile(
    string Name,
    string Description,
    string DType,
    int Multiple,
    int PreferredMultiple,
    int HeadDimMultiple,
    IReadOnlyList<int> HeadDimTemplates,
    int? SmCount,
    string Source)
{
    public bool IsAligned(long dimension) => dimension > 0 && dimension % Multiple == 0;
}
