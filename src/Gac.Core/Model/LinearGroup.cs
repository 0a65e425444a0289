namespace Gac.Core.Model;

public enum GroupKind
{
    /// <summary>q/k/v/o of one attention block; the coupled dimension is heads × head_dim.</summary>
    Attention,
    /// <summary>up/gate/down or fc1/fc2 of one MLP; the coupled dimension is the intermediate width.</summary>
    Mlp,
}

/// <summary>
/// Layers whose dimensions must change together: pruning an MLP channel removes a gate row, an up
/// row and a down column at once; pruning a head removes head_dim rows of q/k/v and columns of o.
/// </summary>
public sealed record LinearGroup(
    string Name,
    GroupKind Kind,
    IReadOnlyList<string> Members,
    long CoupledWidth,
    int? HeadCount = null,
    int? HeadDim = null);

/// <summary>The linear layers of a model and the coupled groups they form; shapes only, no weights.</summary>
public sealed record ModelInventory(
    string Source,
    IReadOnlyList<LinearLayer> Layers,
    IReadOnlyList<LinearGroup> Groups)
{
    public long LinearParameters => Layers.Sum(l => l.Parameters);

    public long LinearFlopsPerToken => Layers.Sum(l => l.FlopsPerToken);
}
