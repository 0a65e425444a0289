namespace Gac.Onnx.Discovery;

internal static class GroupNaming
{
    /// <summary>
    /// The module path the members share ("blocks.0.attn" for "blocks.0.attn.q_proj" and
    /// "blocks.0.attn.o_proj"); exporters that number layers flatly ("linear_77") share none, and
    /// the group gets "&lt;fallback&gt;.&lt;ordinal&gt;".
    /// </summary>
    public static string Name(IEnumerable<string> members, string fallback, int ordinal)
    {
        var paths = members.Select(m => m.Split('.')).ToList();
        var common = new List<string>();
        for (var i = 0; paths.Count > 0 && paths.All(p => p.Length > i + 1 && p[i] == paths[0][i]); i++)
        {
            common.Add(paths[0][i]);
        }

        return common.Count > 0 ? string.Join('.', common) : $"{fallback}.{ordinal}";
    }
}
