using System.Text;
using Gac.Core.Diagnostics;
using Gac.Core.Spec.Loading;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Spec;

/// <summary>
/// Reads gac.yaml: YAML → duplicate-key check → JSON-compatible tree → schema validation →
/// semantic checks → defaults → immutable records. Every problem found is reported, not just the
/// first, each at its line and column.
/// </summary>
public static class GacSpecLoader
{
    /// <summary>Loads and validates a spec, or throws a <see cref="GacException"/> (exit code 2) carrying every diagnostic.</summary>
    public static GacSpec Load(string path)
    {
        var result = TryLoad(path);
        return result.Spec ?? throw new GacException(result.Diagnostics) { ExitCode = ExitCodes.BadInput };
    }

    /// <summary>Like <see cref="Load"/>, but returns the problems instead of throwing them.</summary>
    public static SpecLoadResult TryLoad(string path)
    {
        var sink = new DiagnosticSink(path);
        var text = Guard(() => ReadText(path, sink));
        return text is null ? new SpecLoadResult(null, sink.ToList()) : Parse(text, path);
    }

    /// <summary>
    /// Validates spec text. <paramref name="filePath"/> names the file in diagnostics (as given) and
    /// anchors relative paths (its folder); the file itself is not read.
    /// </summary>
    public static SpecLoadResult Parse(string yamlText, string filePath)
    {
        var sink = new DiagnosticSink(filePath);
        var spec = Guard(() => ParseCore(yamlText, filePath, sink));
        return new SpecLoadResult(sink.HasErrors ? null : spec, sink.ToList());
    }

    private static GacSpec? ParseCore(string text, string filePath, DiagnosticSink sink)
    {
        var fullPath = SpecPaths.TryResolve(filePath, Directory.GetCurrentDirectory(), out var resolved) ? resolved.FullPath : Directory.GetCurrentDirectory();
        var baseDirectory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();

        var root = YamlTreeReader.Read(text, sink);
        if (sink.HasErrors)
        {
            return null;
        }

        if (root is null or YamlScalar { Value: null })
        {
            sink.Report(
                DiagnosticCatalogue.SpecEmpty,
                "The spec is empty (no settings, only comments or blank lines). Add at least version, model, compress and export; `gac-build init` writes a " +
                    "commented starter spec.",
                1,
                1);
            return null;
        }

        var projection = JsonProjection.Project(root, sink);
        if (projection is null)
        {
            return null;
        }

        var schema = GacSchema.Schema;
        SchemaDefaults.TreatNullSectionsAsEmpty(projection.Root, schema, projection);
        var translator = new SchemaErrorTranslator(projection, schema, sink);
        translator.Translate(schema.Validate(projection.Root));

        if (projection.Root is not JObject document)
        {
            return null;
        }

        new SpecSemantics(document, projection, translator.FailedTokens, sink, baseDirectory).Check();
        if (sink.HasErrors)
        {
            return null;
        }

        SchemaDefaults.Fill(document, schema);
        return new SpecBinder(document, projection, baseDirectory, new SpecPath(filePath, fullPath)).Bind();
    }

    private static string? ReadText(string path, DiagnosticSink sink)
    {
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                sink.Report(DiagnosticCatalogue.SpecFileUnreadable, $"'{path}' is a folder; give the path of the gac.yaml file inside it.");
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            sink.Report(DiagnosticCatalogue.SpecFileUnreadable, $"The spec file '{path}' does not exist (looked for {SafeFullPath(path)}). Check the path, " +
                $"or run `gac-build init` to write a starter spec.");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
            or System.Security.SecurityException)
        {
            sink.Report(DiagnosticCatalogue.SpecFileUnreadable, $"The spec file '{path}' cannot be read: {ex.Message}");
            return null;
        }

        return Decode(bytes, sink);
    }

    /// <summary>UTF-8 (with or without a byte-order mark), or UTF-16 when a byte-order mark says so; invalid bytes are an error, not replacement
    /// characters.</summary>
    private static string? Decode(byte[] bytes, DiagnosticSink sink)
    {
        var (encoding, skip) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ((Encoding)new UTF8Encoding(false, true), 3),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(false, false, true), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(true, false, true), 2),
            _ => (new UTF8Encoding(false, true), 0),
        };
        try
        {
            return encoding.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException ex)
        {
            var offset = ex.Index >= 0 ? $" at byte {ex.Index + skip}" : "";
            sink.Report(DiagnosticCatalogue.SpecNotUtf8, $"The spec file is not UTF-8 text (an invalid byte sequence{offset}). Save it as UTF-8.");
            return null;
        }
    }

    private static string SafeFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>Anything other than a diagnostic escaping here is a loader bug: report it as one (exit code 3), never as a raw exception.</summary>
    private static T? Guard<T>(Func<T?> action)
        where T : class
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is not GacException)
        {
            throw new GacException(
                new Diagnostic(DiagnosticCatalogue.InternalError, $"gac-build failed while reading the spec: {ex.GetType().Name}: {ex.Message}"),
                ex)
            {
                ExitCode = ExitCodes.InternalError,
            };
        }
    }
}
