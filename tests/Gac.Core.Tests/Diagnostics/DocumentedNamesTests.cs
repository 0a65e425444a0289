using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Tests.Diagnostics;

/// <summary>
/// One source of truth for codes and keys: every GAC code written anywhere in the sources, the
/// README, the build scripts and the examples is in the catalogue (so `explain` knows it), and every
/// gac.yaml key they name (section.key) is in the schema. Docs once pointed users at GAC0102, GAC0103
/// and runtime.nativeLibraryPath, none of which existed.
/// </summary>
public sealed partial class DocumentedNamesTests
{
    private static readonly string[] TextExtensions = [".cs", ".md", ".json", ".yaml", ".yml", ".sh", ".props", ".targets", ".csproj", ".proto", ".txt"];

    /// <summary>Dotted words that look like section.key but are file names: model.onnx, gac.report.json, model.gac.onnx.</summary>
    private static readonly HashSet<string> FileExtensions = new(StringComparer.Ordinal)
    {
        "onnx", "json", "yaml", "yml", "md", "data", "safetensors", "tokens", "txt", "npy", "xml", "svg", "png", "gac", "schema", "lock", "so", "cs",

        // Hugging Face tensor names: model.layers.0.mlp…, model.embed_tokens.weight, model.norm.weight.
        "layers", "embed_tokens", "norm", "lm_head",

        // tokenizer.json's own model section: model.type, model.vocab, model.merges, model.dropout.
        "type", "vocab", "merges", "dropout",
    };

    public static TheoryData<string> ScannedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Scanned())
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ScannedFiles))]
    public void Every_GAC_code_a_file_names_is_in_the_catalogue(string file)
    {
        var unknown = CodeReference().Matches(File.ReadAllText(Path.Combine(Root, file)))
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .Where(code => DiagnosticCatalogue.Find(code) is null)
            .ToList();

        Assert.True(unknown.Count == 0, $"{file} names {string.Join(", ", unknown)}, not in the catalogue " +
            $"(src/Gac.Core/Diagnostics/DiagnosticCatalogue.*.cs).");
    }

    [Theory]
    [MemberData(nameof(ScannedFiles))]
    public void Every_gac_yaml_key_a_file_names_is_in_the_schema(string file)
    {
        var schema = (JObject)JObject.Parse(GacSchema.Text)["properties"]!;
        var unknown = KeyReference().Matches(File.ReadAllText(Path.Combine(Root, file)))
            .Where(m => !FileExtensions.Contains(m.Groups["key"].Value))
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .Where(path => !Resolves(schema, path.Split('.')))
            .ToList();

        Assert.True(unknown.Count == 0, $"{file} names gac.yaml key(s) {string.Join(", ", unknown)}, which gac.yaml.schema.json does not define.");
    }

    [Fact]
    public void The_scan_covers_the_sources_the_readme_and_the_examples()
    {
        var files = Scanned().ToList();

        Assert.Contains("README.md", files);
        Assert.Contains(Path.Combine("src", "Gac.Build.Tasks", "Diagnostics", "TaskCodes.cs"), files);
        Assert.Contains(files, f => f.StartsWith("examples", StringComparison.Ordinal));
        Assert.True(Resolves((JObject)JObject.Parse(GacSchema.Text)["properties"]!, ["validation", "ort_native_path"]));
        Assert.False(Resolves((JObject)JObject.Parse(GacSchema.Text)["properties"]!, ["runtime", "nativeLibraryPath"]));
    }

    /// <summary>Walks section.key[.key]; under a map of user names (calibration.dims, calibration.npy) any name resolves.</summary>
    private static bool Resolves(JObject properties, IReadOnlyList<string> path)
    {
        JToken? node = properties[path[0]];
        for (var i = 1; node is not null && i < path.Count; i++)
        {
            if (node["properties"] is JObject children)
            {
                node = children[path[i]];
            }
            else
            {
                return node["additionalProperties"] is JObject || node["items"] is not null;
            }
        }

        return node is not null;
    }

    private static string Root => DiagnosticCatalogueTests.RepositoryRoot();

    private static IEnumerable<string> Scanned()
    {
        var roots = new[] { "src", "build", "examples" };
        var files = roots
            .Where(r => Directory.Exists(Path.Combine(Root, r)))
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(Root, r), "*", SearchOption.AllDirectories))
            .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(Root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"));
        return files.Append("README.md").Append(GacSchema.FileName).Order(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\bGAC[0-9]{4}\b")]
    private static partial Regex CodeReference();

    /// <summary>
    /// section.key written in prose or code: the schema's sections, plus "runtime" and "benchmark", which
    /// users and docs reached for before the settings moved under validation. Keys start lower-case,
    /// which leaves C# member access (report.Gate, model.Path) out.
    /// </summary>
    [GeneratedRegex(
        @"(?<![\w./\-$])(?:model|calibration|compress|alignment|export|validation|gate|report|runtime|benchmark)" +
        @"\.(?<key>[a-z][A-Za-z0-9_]*)(?:\.[a-z][A-Za-z0-9_]*)?(?![\w(])")]
    private static partial Regex KeyReference();
}
