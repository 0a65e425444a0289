using Gac.Core.Model;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// The loop both structured-pruning rewrites share: one group at a time on a copy of the model, the
/// group named by discovery and its member layers located in the graph before the rewrite sees them.
/// CPU-bound and synchronous: the token is checked between groups.
/// </summary>
internal static class PrunePass
{
    /// <param name="data">When given, each group's sliced weights move to it as soon as they are cut (see <see cref="ExternalDataBuilder"/>).</param>
    public static ModelProto Apply<TPruning>(
        OnnxModelFile model,
        IReadOnlyList<TPruning> prunings,
        ExternalDataBuilder? data,
        GroupKind kind,
        Func<TPruning, string> groupName,
        Action<RewriteGraph, LinearGroup, IReadOnlyList<LinearSite>, TPruning> prune,
        CancellationToken cancellationToken)
    {
        var graph = new RewriteGraph(model, data);
        var sites = new LinearSites(graph);
        foreach (var pruning in prunings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var group = sites.Group(groupName(pruning), kind, graph);
            prune(graph, group, group.Members.Select(m => sites.Layer(m, graph)).ToList(), pruning);
            data?.PlaceAll(graph.Model);
        }

        return graph.Finish();
    }
}
