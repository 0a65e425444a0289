using Gac.Core.Diagnostics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Gac.Core.Planning;

/// <summary>
/// The shape-only layers file of <c>gac-build plan --layers &lt;file&gt;</c> (JSON, schema
/// plan-layers.schema.json, embedded). Loading validates against the schema, then maps fields to
/// a <see cref="PlanningProblem"/>; every problem becomes a GAC2xxx diagnostic with file and line.
/// </summary>
public static class PlanLayersFile
{
    public const string SchemaResourceName = "plan-layers.schema.json";

    private static readonly Lazy<string> SchemaTextValue = new(ReadSchemaText);

    private static readonly Lazy<JsonSchema> Schema = new(
        () => JsonSchema.FromJsonAsync(SchemaTextValue.Value).GetAwaiter().GetResult());

    /// <summary>The JSON schema, as embedded in Gac.Core.</summary>
    public static string SchemaText => SchemaTextValue.Value;

    /// <summary>Reads and validates a layers file. Throws <see cref="GacException"/> (GAC2010–GAC2012, GAC2002–GAC2007).</summary>
    public static PlanLayersDocument Load(string path)
        => Parse(InputFile.ReadAllText(path, DiagnosticCatalogue.LayersFileUnreadable, "the layers file"), path);

    /// <summary>Parses layers-file JSON; <paramref name="source"/> names it in diagnostics.</summary>
    public static PlanLayersDocument Parse(string json, string source = "layers.json")
    {
        JToken root;
        try
        {
            root = JToken.Parse(json, new JsonLoadSettings
            {
                LineInfoHandling = LineInfoHandling.Load,
                DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
            });
        }
        catch (JsonReaderException e)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LayersFileMalformed,
                $"The layers file is not valid JSON: {e.Message}",
                new SourceLocation(source, e.LineNumber, e.LinePosition),
                e);
        }

        var schemaErrors = SchemaErrors(root, source);
        if (schemaErrors.Count > 0)
        {
            throw new GacException(schemaErrors);
        }

        return PlanLayersReader.Read((JObject)root, source);
    }

    /// <summary>Writes a document in the layers format; <paramref name="schemaReference"/> becomes its "$schema".</summary>
    public static string ToJson(PlanLayersDocument document, string? schemaReference = null)
        => PlanLayersWriter.Write(document, schemaReference);

    public static void Save(PlanLayersDocument document, string path, string? schemaReference = null)
        => File.WriteAllText(path, ToJson(document, schemaReference));

    internal static SourceLocation LocationOf(JToken token, string source)
        => token is IJsonLineInfo info && info.HasLineInfo()
            ? new SourceLocation(source, info.LineNumber, info.LinePosition)
            : new SourceLocation(source);

    private static List<Diagnostic> SchemaErrors(JToken root, string source)
    {
        var diagnostics = new List<Diagnostic>();
        foreach (var error in Schema.Value.Validate(root))
        {
            foreach (var (message, token) in Explain(error, string.Empty))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCatalogue.LayersFileSchemaViolation, message, token is null ? new SourceLocation(source,
                    error.LineNumber, error.LinePosition) : LocationOf(token, source)));
            }
        }

        return diagnostics;
    }

    /// <summary>
    /// A decision that matches none of the oneOf branches is re-checked against the branch its
    /// "kind" names, so the user hears "missing 'inFeatures'" rather than "not one of three schemas".
    /// </summary>
    private static IEnumerable<(string Message, JToken? Token)> Explain(ValidationError error, string prefix)
    {
        if (error is ChildSchemaValidationError child && error.Kind is not (ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf))
        {
            foreach (var inner in child.Errors.Values.SelectMany(e => e))
            {
                foreach (var explained in Explain(inner, prefix))
                {
                    yield return explained;
                }
            }

            yield break;
        }

        if (error.Kind == ValidationErrorKind.NotOneOf && error.Token is JObject decision
            && decision["kind"]?.Type == JTokenType.String
            && Schema.Value.Definitions.TryGetValue($"{decision["kind"]}Decision", out var branch))
        {
            foreach (var inner in branch.Validate(decision))
            {
                foreach (var explained in Explain(inner, error.Path ?? string.Empty))
                {
                    yield return explained;
                }
            }

            yield break;
        }

        var path = (prefix + (error.Path ?? "#").TrimStart('#')).Replace("#", string.Empty, StringComparison.Ordinal);
        var where = string.IsNullOrEmpty(path) ? "the document" : path.TrimStart('.', '/');
        var what = error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"missing required property '{error.Property}'",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown property '{error.Property}'",
            ValidationErrorKind.NotOneOf when error.Token is JObject => "a decision needs \"kind\": lowRank, mlpChannels or attentionHeads",
            _ => Humanize(error.Kind.ToString()),
        };
        yield return ($"Layers file schema: {where}: {what}.", error.Token);
    }

    private static string Humanize(string pascal)
        => string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string ReadSchemaText()
    {
        using var stream = typeof(PlanLayersFile).Assembly.GetManifestResourceStream(SchemaResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {SchemaResourceName} is missing from Gac.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
