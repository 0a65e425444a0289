using Gac.Core.Diagnostics;
using NJsonSchema;

namespace Gac.Core.Spec;

/// <summary>
/// gac.yaml.schema.json, embedded from the repository root: the one description of the format that
/// editors (through yaml-language-server) and the loader share.
/// </summary>
public static class GacSchema
{
    /// <summary>The file name editors and <c>gac-build init</c> use for the schema.</summary>
    public const string FileName = "gac.yaml.schema.json";

    private static readonly Lazy<string> LazyText = new(ReadEmbedded);
    private static readonly Lazy<JsonSchema> LazySchema = new(() => JsonSchema.FromJsonAsync(LazyText.Value).GetAwaiter().GetResult());

    /// <summary>The schema's JSON text, e.g. for <c>gac-build init</c> to write beside a new gac.yaml.</summary>
    public static string Text => LazyText.Value;

    internal static JsonSchema Schema => LazySchema.Value;

    private static string ReadEmbedded()
    {
        using var stream = typeof(GacSchema).Assembly.GetManifestResourceStream(FileName)
            ?? throw new GacException(new Diagnostic(
                DiagnosticCatalogue.InternalError,
                $"The embedded resource '{FileName}' is missing from Gac.Core; the build did not find it at the repository root."))
            {
                ExitCode = ExitCodes.InternalError,
            };
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
