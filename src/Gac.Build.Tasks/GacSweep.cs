using Gac.Build.Tasks.Tooling;
using Microsoft.Build.Framework;

namespace Gac.Build.Tasks;

/// <summary>
/// Runs <c>gac-build sweep &lt;spec&gt; --ratios … --out &lt;dir&gt;</c> for one <c>GacCompress</c> item, out of
/// process like <see cref="GacCompress"/>. The sweep writes gac.sweep.json, .md and .png into
/// <see cref="OutputDirectory"/> (the build puts it under obj/gac/) and no artifact: nothing is added to
/// the build's outputs or published. Item metadata: <c>SweepRatios</c> (comma-separated, else
/// <see cref="Ratios"/>, else gac-build's default), <c>Provider</c> as for GacCompress.
/// </summary>
public sealed class GacSweep : GacToolTask
{
    /// <summary>Where the sweep's report files go.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The ratios when the item has no <c>SweepRatios</c> metadata (the <c>GacSweepRatios</c> property).</summary>
    public string? Ratios { get; set; }

    internal string? EffectiveRatios => Spec.GetMetadata("SweepRatios") is { Length: > 0 } own ? own.Trim()
        : string.IsNullOrWhiteSpace(Ratios) ? null : Ratios.Trim();

    protected override bool ValidateParameters() => ProviderIsValid() && base.ValidateParameters();

    protected override IEnumerable<string> ToolArguments()
    {
        yield return "sweep";
        yield return SpecPath;
        yield return "--out";
        yield return Path.GetFullPath(OutputDirectory, WorkingDirectory);
        if (EffectiveRatios is { } ratios)
        {
            yield return "--ratios";
            yield return ratios;
        }

        foreach (var argument in ProviderArguments())
        {
            yield return argument;
        }
    }
}
