using System.Reflection;

namespace Gac.Core.Diagnostics;

/// <summary>
/// Every diagnostic the tool can emit. Split into one partial file per range:
/// GAC0xxx spec, GAC1xxx model import, GAC2xxx planning/alignment, GAC3xxx export,
/// GAC4xxx runtime and benchmark, GAC5xxx gate, GAC9xxx host (command line, internal).
/// </summary>
public static partial class DiagnosticCatalogue
{
    private static readonly Lazy<IReadOnlyList<DiagnosticDescriptor>> AllDescriptors = new(() =>
        typeof(DiagnosticCatalogue)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToArray());

    public static IReadOnlyList<DiagnosticDescriptor> All => AllDescriptors.Value;

    public static DiagnosticDescriptor? Find(string code)
        => All.FirstOrDefault(d => string.Equals(d.Code, code, StringComparison.OrdinalIgnoreCase));
}
