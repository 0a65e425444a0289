using System.Text;
using Gac.Build.Tasks.Diagnostics;
using Gac.Build.Tasks.Incremental;
using Gac.Build.Tasks.Tooling;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks;

/// <summary>
/// Runs <c>gac-build check &lt;spec&gt; --format json</c> (cheap: no model is loaded) to validate the spec
/// early and learn which files the compression reads and writes. Returns the spec item with metadata
/// <c>ToolVersion</c>, <c>InputFiles</c> and <c>OutputFiles</c> (semicolon-separated full paths) for
/// <see cref="GacComputeInputHash"/> and for FileWrites / copying to the output directory.
/// </summary>
public sealed class GacInspectSpec : GacToolTask
{
    private readonly StringBuilder _stdout = new();

    /// <summary>The spec item with <c>ToolVersion</c>, <c>InputFiles</c>, <c>OutputFiles</c> added.</summary>
    [Output]
    public ITaskItem? InspectedSpec { get; private set; }

    public override bool Execute()
    {
        if (!base.Execute())
        {
            return false;
        }

        var json = ExtractJson(_stdout.ToString());
        var inspection = SpecInspection.TryParse(json, Path.GetDirectoryName(SpecPath) ?? WorkingDirectory, out var problem);
        if (inspection is null)
        {
            var excerpt = json.Length > 200 ? json[..200] + "…" : json;
            LogTaskError(TaskCodes.UnreadableInspection,
                $"`gac-build check --format json` on '{Spec.ItemSpec}' printed output the build cannot use: {problem}. Output: {excerpt}. The gac-build " +
                    $"version may not match Gac.Build.");
            return false;
        }

        var item = new TaskItem(Spec);
        item.SetMetadata("ToolVersion", inspection.ToolVersion);
        item.SetMetadata("InputFiles", string.Join(';', inspection.Inputs));
        item.SetMetadata("OutputFiles", string.Join(';', inspection.Outputs));
        InspectedSpec = item;
        return true;
    }

    protected override IEnumerable<string> ToolArguments()
    {
        yield return "check";
        yield return SpecPath;
        yield return "--format";
        yield return "json";
        if (Spec.GetMetadata("OutputPath") is { Length: > 0 } output)
        {
            yield return "--output";
            yield return Path.GetFullPath(output.Trim(), WorkingDirectory);
        }
    }

    protected override void OnOtherOutputLine(string line, MessageImportance importance)
    {
        _stdout.AppendLine(line);
        Log.LogMessage(MessageImportance.Low, line);
    }

    /// <summary>The JSON object: from the first line that opens one to the last line that closes one.</summary>
    private static string ExtractJson(string output)
    {
        var lines = output.Split('\n');
        var first = Array.FindIndex(lines, l => l.TrimStart().StartsWith('{'));
        var last = Array.FindLastIndex(lines, l => l.TrimEnd().EndsWith('}'));
        return first >= 0 && last >= first ? string.Join('\n', lines[first..(last + 1)]) : output.Trim();
    }
}
