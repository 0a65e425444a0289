using System.Text.Json;

namespace Gac.Build.Tasks.Incremental;

/// <summary>
/// What <c>gac-build check &lt;spec&gt; --format json</c> tells the build about a spec: the files the run
/// reads (model, calibration data; a folder stands for every file under it) and the files it writes.
/// The task cannot read YAML itself (it must not load Gac.Core into MSBuild), so the tool is the one
/// place that resolves a spec. Relative paths are resolved against the spec's folder.
/// </summary>
/// <remarks>
/// The contract (stdout, one JSON object; other keys are ignored):
/// <c>{ "toolVersion": "0.1.0", "inputs": ["model.onnx", "calib/"], "outputs": ["out/model.gac.onnx"] }</c>.
/// <c>inputs</c> and <c>outputs</c> are required arrays of strings (the spec itself need not be listed);
/// <c>toolVersion</c> is optional but keys the incremental stamp, so upgrading gac-build reruns compression.
/// </remarks>
internal sealed record SpecInspection(string ToolVersion, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public const string UnknownToolVersion = "unknown";

    /// <summary>Reads the JSON; null with a reason when it does not follow the contract.</summary>
    public static SpecInspection? TryParse(string json, string specDirectory, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "expected a JSON object";
                return null;
            }

            var inputs = ReadPaths(root, "inputs", specDirectory, ref problem);
            var outputs = ReadPaths(root, "outputs", specDirectory, ref problem);
            if (inputs is null || outputs is null)
            {
                return null;
            }

            var version = root.TryGetProperty("toolVersion", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
                ? s
                : UnknownToolVersion;
            return new SpecInspection(version, inputs, outputs);
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON ({ex.Message})";
            return null;
        }
    }

    private static List<string>? ReadPaths(JsonElement root, string key, string specDirectory, ref string? problem)
    {
        if (!root.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            problem ??= $"missing the '{key}' array";
            return null;
        }

        var paths = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } path)
            {
                problem ??= $"'{key}' must hold only non-empty strings";
                return null;
            }

            paths.Add(Path.GetFullPath(path, specDirectory));
        }

        return paths;
    }
}
