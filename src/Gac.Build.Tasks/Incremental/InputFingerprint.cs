using System.Security.Cryptography;
using System.Text;

namespace Gac.Build.Tasks.Incremental;

/// <summary>
/// The identity of one compression run: SHA-256 over a small text manifest of everything that changes
/// its result — the tool version, the options passed on the command line, and the content hash of the spec
/// and of every input file (a folder stands for every file under it, by relative path). The manifest is
/// ordered, so the same inputs always give the same fingerprint.
/// </summary>
internal static class InputFingerprint
{
    /// <summary>Bump when the manifest's layout changes, so old stamps stop matching.</summary>
    private const string FormatVersion = "gac-input-fingerprint 1";

    public static string Compute(
        string toolVersion,
        string specPath,
        IEnumerable<string> inputs,
        IEnumerable<KeyValuePair<string, string>> options,
        FileHashCache hashes)
    {
        var manifest = new StringBuilder().Append(FormatVersion).Append('\n');
        manifest.Append("tool\t").Append(toolVersion).Append('\n');
        foreach (var (name, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            manifest.Append("option\t").Append(name).Append('=').Append(value).Append('\n');
        }

        AppendFile(manifest, "spec", specPath, hashes);
        foreach (var input in inputs.Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal))
        {
            if (Directory.Exists(input))
            {
                foreach (var file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
                {
                    AppendFile(manifest, "input", file, hashes);
                }
            }
            else
            {
                AppendFile(manifest, "input", input, hashes);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString())));
    }

    private static void AppendFile(StringBuilder manifest, string kind, string path, FileHashCache hashes)
    {
        // A missing input still changes the fingerprint (and gac-build reports it); it is not an error here.
        var hash = File.Exists(path) ? hashes.HashOf(path) : "missing";
        manifest.Append(kind).Append('\t').Append(path).Append('\t').Append(hash).Append('\n');
    }
}
