using System.CommandLine.Parsing;
using System.Globalization;
using Gac.Core.Spec;

namespace Gac.Cli.Hosting;

/// <summary>
/// The kinds of option gac-build commands take, each typed and checked while parsing, so a bad value
/// is a parse error (GAC9002, exit 2) before any file is read, with the same wording on every command.
/// </summary>
public static class CliOptions
{
    /// <summary>An option that takes one value, used as given (a path, a name, a list the command parses).</summary>
    public static Option<string?> Text(string name, string helpName, string description)
        => new(name) { HelpName = helpName, Description = description };

    /// <summary>A flag: present or not. It takes no value, so <c>--force true</c> is not read as one.</summary>
    public static Option<bool> Flag(string name, string description)
        => new(name) { Arity = ArgumentArity.Zero, Description = description };

    public static Option<int?> Int(string name, string helpName, string description, int min = int.MinValue, int max = int.MaxValue)
        => new(name)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result => Parse<int>(result, $"option {name}", text =>
                int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null,
                $"a whole number between {min} and {max}"),
        };

    public static Option<double?> Double(string name, string helpName, string description, double min, double max)
        => new(name)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result => Parse<double>(result, $"option {name}", text =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null,
                string.Create(CultureInfo.InvariantCulture, $"a number between {min} and {max}")),
        };

    /// <summary>One of a fixed set of words; the help lists them and a wrong one is named in the error.</summary>
    public static Option<T?> Choice<T>(string name, string description, params (string Word, T Value)[] choices)
        where T : struct
    {
        var words = choices.Select(c => c.Word).ToList();
        return new(name)
        {
            HelpName = string.Join('|', words),
            Description = description,
            CustomParser = result => Parse<T>(
                result,
                name,
                text => choices.FirstOrDefault(c => c.Word == text) is { Word: not null } hit ? hit.Value : null,
                Alternatives(words)),
        };
    }

    /// <summary>--provider for run, bench and profile: the spec's own words for validation.provider.</summary>
    public static Option<ExecutionProviderChoice?> Provider(string summary, string? note = null)
        => new("--provider")
        {
            HelpName = "name",
            Description = $"{summary}: {SpecEnumText.Choices<ExecutionProviderChoice>()}.{(note is null ? null : " " + note)}",
            CustomParser = result => Parse<ExecutionProviderChoice>(
                result,
                "--provider",
                text => SpecEnumText.TryParseExact<ExecutionProviderChoice>(text, out var choice) ? choice : null,
                SpecEnumText.Choices<ExecutionProviderChoice>()),
        };

    /// <summary>--format: text and json everywhere, markdown where a command renders a table. Absent, it reads as text (the enum's first value).</summary>
    public static Option<OutputFormat> Format(IReadOnlyList<OutputFormat> formats)
    {
        var words = formats.Select(FormatName).ToList();
        return new("--format")
        {
            HelpName = string.Join('|', words),
            Description = $"Output format: {Alternatives(words)} (default text).",
            CustomParser = result => Parse<OutputFormat>(
                result,
                "--format",
                text => formats.Where(f => FormatName(f) == text).Select(f => (OutputFormat?)f).FirstOrDefault(),
                Alternatives(words.Select(w => $"'{w}'"))) ?? OutputFormat.Text,
        };
    }

    public static string FormatName(OutputFormat format) => format.ToString().ToLowerInvariant();

    /// <summary>"a or b", "a, b or c".</summary>
    public static string Alternatives(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    /// <summary>
    /// Converts the option's one token; a value that does not convert is a parse error naming the
    /// option, what it expects and what was found. No token (a missing or repeated value) is left to
    /// the arity check, which <see cref="ArgumentErrors"/> words.
    /// </summary>
    private static T? Parse<T>(ArgumentResult result, string subject, Func<string, T?> convert, string expected)
        where T : struct
    {
        if (result.Tokens.Count != 1)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (convert(text) is { } value)
        {
            return value;
        }

        result.AddError($"{subject} expects {expected}, found '{text}'.");
        return null;
    }
}
