using System.Security.Cryptography;
using System.Text;
using Gac.Build.Tasks.Incremental;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Gac.Build.Tasks;

/// <summary>
/// Decides, by content hash rather than timestamps, which specs need compressing. For each inspected spec
/// (see <see cref="GacInspectSpec"/>) it computes the input fingerprint and compares it with the stamp the
/// last accepted run left in <see cref="IntermediateDirectory"/>; the spec is up to date when they match and
/// every output still exists. The stamp itself is written by the targets only after gac-build accepted the
/// model, so a rejected or failed run is retried on the next build.
/// </summary>
public sealed class GacComputeInputHash : MSBuildTask
{
    /// <summary>Specs with <c>ToolVersion</c>, <c>InputFiles</c>, <c>OutputFiles</c> metadata.</summary>
    [Required]
    public ITaskItem[] Specs { get; set; } = [];

    /// <summary>The folder for stamps, the hash cache and default report folders (obj/gac/).</summary>
    [Required]
    public string IntermediateDirectory { get; set; } = "";

    /// <summary>
    /// The specs with <c>InputHash</c>, <c>StampFile</c>, <c>SpecKey</c>, <c>UpToDate</c> (true|false) added, and
    /// <c>ReportDirectory</c> defaulted to <c>&lt;IntermediateDirectory&gt;/&lt;SpecKey&gt;/report</c> when not set.
    /// </summary>
    [Output]
    public ITaskItem[] HashedSpecs { get; private set; } = [];

    /// <summary>Item metadata that changes what gac-build produces, and so belongs in the fingerprint.</summary>
    private static readonly string[] FingerprintedMetadata = ["OutputPath", "Provider"];

    public override bool Execute()
    {
        var directory = Path.GetFullPath(IntermediateDirectory);
        var cachePath = Path.Combine(directory, "file-hashes.tsv");
        var hashes = FileHashCache.Load(cachePath);
        var results = new List<ITaskItem>(Specs.Length);
        foreach (var spec in Specs)
        {
            var specPath = spec.GetMetadata("FullPath");
            var key = SpecKey(specPath);
            var options = FingerprintedMetadata.Select(name => KeyValuePair.Create(name, spec.GetMetadata(name).Trim()));
            var fingerprint = InputFingerprint.Compute(spec.GetMetadata("ToolVersion"), specPath, SplitPaths(spec.GetMetadata("InputFiles")), options, hashes);
            var stampFile = Path.Combine(directory, key + ".stamp");
            var outputs = SplitPaths(spec.GetMetadata("OutputFiles"));
            var upToDate = File.Exists(stampFile) && File.ReadAllText(stampFile).Trim() == fingerprint && outputs.All(File.Exists);

            var item = new TaskItem(spec);
            item.SetMetadata("InputHash", fingerprint);
            item.SetMetadata("StampFile", stampFile);
            item.SetMetadata("SpecKey", key);
            item.SetMetadata("UpToDate", upToDate ? "true" : "false");
            if (string.IsNullOrWhiteSpace(spec.GetMetadata("ReportDirectory")))
            {
                item.SetMetadata("ReportDirectory", Path.Combine(directory, key, "report"));
            }

            Log.LogMessage(
                MessageImportance.Low,
                $"GacCompress: {spec.ItemSpec} fingerprint {fingerprint}; {(upToDate ? "up to date" : "needs compressing")}.");
            results.Add(item);
        }

        hashes.Save(cachePath);
        Log.LogMessage(MessageImportance.Low, $"GacCompress: hashed {hashes.FilesHashed} file(s); the rest came from {cachePath}.");
        HashedSpecs = [.. results];
        return !Log.HasLoggedErrors;
    }

    /// <summary>A readable, collision-free name per spec: its file name plus a hash of its full path.</summary>
    internal static string SpecKey(string specFullPath)
    {
        var pathHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(specFullPath)))[..12];
        return $"{Path.GetFileNameWithoutExtension(specFullPath)}-{pathHash}";
    }

    private static List<string> SplitPaths(string joined) =>
        [.. joined.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
