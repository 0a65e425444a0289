using System.Text.Json;
using Gac.Core.Spec;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Gac.Core.Tests.Spec;

public sealed class GacSchemaTests
{
    /// <summary>
    /// Draft-07 keywords NJsonSchema's validator enforces. Others (const, if/then/else, propertyNames,
    /// contains) would be shown by editors but silently skipped by the loader, so the schema avoids them.
    /// </summary>
    private static readonly HashSet<string> EnforcedKeywords =
    [
        "$schema", "title", "description", "type", "properties", "additionalProperties", "required", "items",
        "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "pattern",
        "minItems", "maxItems", "uniqueItems", "minProperties",
    ];

    /// <summary>Schema enums that the records expose as C# enums; they must stay in step.</summary>
    public static TheoryData<string, Type> EnumProperties() => new()
    {
        { "model.format", typeof(ModelFormat) },
        { "calibration.inputs[].dtype", typeof(TensorDType) },
        { "compress.method", typeof(CompressionMethod) },
        { "compress.asvd.allocation", typeof(RankAllocation) },
        { "compress.prune.targets[]", typeof(PruneTarget) },
        { "alignment.strategy", typeof(AlignmentStrategy) },
        { "alignment.objective", typeof(AlignmentObjective) },
        { "export.dtype", typeof(ExportDType) },
        { "export.external_data", typeof(ExternalDataMode) },
        { "validation.provider", typeof(ExecutionProviderChoice) },
        { "report.formats[]", typeof(ReportFormat) },
    };

    [Fact]
    public void Repository_schema_file_is_the_embedded_one_and_declares_draft_07()
    {
        var onDisk = File.ReadAllText(Path.Combine(RepositoryRoot(), GacSchema.FileName));

        Assert.Equal(onDisk, GacSchema.Text);
        using var document = JsonDocument.Parse(onDisk);
        Assert.Equal("http://json-schema.org/draft-07/schema#", document.RootElement.GetProperty("$schema").GetString());
        Assert.NotNull(GacSchema.Schema);
    }

    [Fact]
    public void Every_property_has_a_description_and_every_object_is_closed()
    {
        var problems = new List<string>();
        Walk(JObject.Parse(GacSchema.Text), "", problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_default_satisfies_its_own_property_schema()
    {
        var checkedDefaults = 0;
        foreach (var (path, property) in Properties(GacSchema.Schema, ""))
        {
            if (property.Default is null)
            {
                continue;
            }

            var value = property.Default is JToken token ? token : JToken.FromObject(property.Default);
            Assert.True(property.ActualSchema.Validate(value).Count == 0, $"default of {path} ({value}) violates its schema");
            checkedDefaults++;
        }

        Assert.True(checkedDefaults >= 20, $"only {checkedDefaults} defaults found");
    }

    [Theory]
    [MemberData(nameof(EnumProperties))]
    public void Schema_enums_match_the_record_enums(string path, Type enumType)
    {
        var property = Properties(GacSchema.Schema, "").Single(p => p.Path == path).Schema;
        var values = property.ActualSchema.Enumeration.Select(v => (string)v!).ToList();

        var parse = typeof(SpecEnumText).GetMethod(nameof(SpecEnumText.Parse))!.MakeGenericMethod(enumType);
        var toText = typeof(SpecEnumText).GetMethod(nameof(SpecEnumText.ToText))!.MakeGenericMethod(enumType);
        var roundTripped = values.Select(v => (string)toText.Invoke(null, [parse.Invoke(null, [v])])!).ToList();

        Assert.Equal(values, roundTripped);
        Assert.Equal(Enum.GetValues(enumType).Length, values.Count);
    }

    private static void Walk(JObject schema, string path, List<string> problems)
    {
        foreach (var keyword in schema.Properties().Select(p => p.Name).Where(k => !EnforcedKeywords.Contains(k)))
        {
            problems.Add($"{path}: keyword '{keyword}' is not enforced by the loader's validator");
        }

        if (path.Length > 0 && string.IsNullOrWhiteSpace((string?)schema["description"]))
        {
            problems.Add($"{path}: no description");
        }

        if (schema["properties"] is JObject properties)
        {
            if (schema["additionalProperties"] is not JValue { Type: JTokenType.Boolean } closed || (bool)closed)
            {
                problems.Add($"{path}: an object with fixed properties must say additionalProperties: false");
            }

            foreach (var property in properties.Properties())
            {
                Walk((JObject)property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", problems);
            }
        }

        if (schema["additionalProperties"] is JObject valueSchema)
        {
            Walk(valueSchema, path + ".*", problems);
        }

        if (schema["items"] is JObject items)
        {
            Walk(items, path + "[]", problems);
        }
    }

    private static IEnumerable<(string Path, JsonSchema Schema)> Properties(JsonSchema schema, string path)
    {
        foreach (var (name, property) in schema.Properties)
        {
            var propertyPath = path.Length == 0 ? name : $"{path}.{name}";
            yield return (propertyPath, property);
            foreach (var nested in Properties(property.ActualSchema, propertyPath))
            {
                yield return nested;
            }

            if (property.ActualSchema.Item?.ActualSchema is { } item)
            {
                yield return (propertyPath + "[]", item);
                foreach (var nested in Properties(item, propertyPath + "[]"))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, GacSchema.FileName)) && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with gac.yaml.schema.json) was not found above the test output folder.");
    }
}
