using System.CommandLine.Parsing;

namespace Gac.Cli.Hosting;

/// <summary>
/// Every mistake on the command line is GAC9002 and exit 2, the same contract as any other bad input.
/// System.CommandLine finds the mistakes; this words them for gac-build's users (the option or
/// argument by name, the nearest option for a typo) and turns them into diagnostics.
/// </summary>
public static class ArgumentErrors
{
    public static GacException Create(string message) => GacException.Create(DiagnosticCatalogue.BadArgument, message);

    /// <summary>The parse's errors as one GAC9002 exception, or null when the command line parsed.</summary>
    public static GacException? Of(ParseResult parse, IReadOnlyList<string> args)
    {
        var command = parse.CommandResult.Command;
        var flagValues = FlagsWithValues(command, args).ToList();
        var unmatched = parse.UnmatchedTokens.Concat(OptionLikeValues(parse)).Except(flagValues.Select(f => f.Value)).ToList();
        var repeated = parse.CommandResult.Children.OfType<OptionResult>()
            .Where(o => o.IdentifierTokenCount > 1 && o.Option.Arity.MaximumNumberOfValues == 1)
            .ToList();
        var messages = repeated
            .Select(o => $"option {o.Option.Name} is given twice; give it once (options that take several values accept a comma-separated list).")
            .ToList();
        messages.AddRange(flagValues.Select(f => $"option {f.Name} is a flag and takes no value."));
        foreach (var error in parse.Errors)
        {
            if (error.SymbolResult is CommandResult && parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            {
                continue; // "Unrecognized command or argument": worded below, with the nearest option
            }

            var option = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
            if (option is not null && repeated.Contains(option))
            {
                continue;
            }

            messages.Add(option is { Tokens.Count: 0 } && option.Option.Arity.MinimumNumberOfValues > 0
                ? $"option {option.Option.Name} needs a value ({option.Option.HelpName})."
                : MissingArgument(command, parse) ?? error.Message);
        }

        messages.AddRange(unmatched.Select(token => Unmatched(command, token)));
        var diagnostics = messages.Distinct(StringComparer.Ordinal).Select(m => new Diagnostic(DiagnosticCatalogue.BadArgument, m)).ToList();
        return diagnostics.Count == 0 ? null : new GacException(diagnostics);
    }

    /// <summary>
    /// An argument's value that looks like an option (<c>explain --markdwn</c>) is a mistyped option:
    /// reported as one, unless the user put it after <c>--</c>.
    /// </summary>
    private static IEnumerable<string> OptionLikeValues(ParseResult parse)
        => parse.Tokens.Any(t => t.Type == TokenType.DoubleDash)
            ? []
            : parse.CommandResult.Command.Arguments
                .SelectMany(a => parse.GetResult(a)?.Tokens ?? [])
                .Select(t => t.Value)
                .Where(v => v.Length > 1 && v[0] == '-');

    /// <summary><c>--force=yes</c>: a flag takes no value, and System.CommandLine would pass "yes" on as an argument.</summary>
    private static IEnumerable<(string Name, string Value)> FlagsWithValues(Command command, IReadOnlyList<string> args)
        => args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a.Split('=', 2))
            .Where(pair => command.Options.Any(o => o.Name == pair[0] && o.Arity.MaximumNumberOfValues == 0))
            .Select(pair => (pair[0], pair[1]));

    /// <summary>"'run' needs the argument &lt;spec&gt;: …", when a required argument was not given.</summary>
    private static string? MissingArgument(Command command, ParseResult parse)
    {
        var missing = command.Arguments.FirstOrDefault(
            a => a.Arity.MinimumNumberOfValues > 0 && (parse.GetResult(a)?.Tokens.Count ?? 0) < a.Arity.MinimumNumberOfValues);
        return missing is null ? null : $"'{command.Name}' needs the argument <{missing.Name}>: {missing.Description}";
    }

    private static string Unmatched(Command command, string token)
    {
        if (!token.StartsWith('-') || token.Length == 1)
        {
            return $"'{command.Name}' takes {command.Arguments.Count} argument(s); unexpected '{token}'.";
        }

        var name = token.Split('=', 2)[0];
        var suggestion = command.Options.Select(o => o.Name)
            .Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive).Select(o => o.Name)))
            .Select(o => (Name: o, Distance: EditDistance(o, name)))
            .Where(x => x.Distance <= 3)
            .OrderBy(x => x.Distance)
            .Select(x => x.Name)
            .FirstOrDefault();
        var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
        return $"'{command.Name}' has no option {name}.{hint} Run `gac-build {command.Name} --help`.";
    }

    internal static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
