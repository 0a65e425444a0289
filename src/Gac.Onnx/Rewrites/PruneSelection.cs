using Gac.Core.Diagnostics;

namespace Gac.Onnx.Rewrites;

/// <summary>Keep the listed intermediate channels (0-based) of the MLP group discovery names <paramref name="Group"/>.</summary>
public sealed record ChannelPruning(string Group, IReadOnlyList<int> KeptChannels);

/// <summary>Keep the listed heads (0-based) of the attention group discovery names <paramref name="Group"/>.</summary>
public sealed record HeadPruning(string Group, IReadOnlyList<int> KeptHeads);

/// <summary>Checks a keep list and puts it in ascending order (the order the kept slices keep in the weights).</summary>
internal static class PruneSelection
{
    public static long[] Validate(RewriteGraph graph, string group, string unit, IReadOnlyList<int> kept, long count)
    {
        var outside = kept.Where(i => i < 0 || i >= count).ToList();
        string? problem = kept.Count == 0 ? $"keeps no {unit}s"
            : outside.Count > 0 ? $"keeps {unit} {outside[0]}, outside 0..{count - 1}"
            : kept.Distinct().Count() != kept.Count ? $"lists a {unit} more than once"
            : null;
        if (problem is not null)
        {
            throw GacException.Create(
                DiagnosticCatalogue.PruneSelectionInvalid,
                $"Group '{group}' {problem} (it has {count}).",
                new SourceLocation(graph.SourcePath));
        }

        return kept.Select(i => (long)i).Order().ToArray();
    }
}
