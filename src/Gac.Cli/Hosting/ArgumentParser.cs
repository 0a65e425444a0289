namespace Gac.Cli.Hosting;

/// <summary>
/// Parses <c>--name value</c>, <c>--name=value</c> and flags against a command's declared options.
/// Hand-written rather than a framework so that every mistake maps to GAC9002 and exit code 2,
/// the same contract as every other bad input.
/// </summary>
public static class ArgumentParser
{
    public static ParsedArguments Parse(CliCommand command, IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            var spec = command.AllOptions.FirstOrDefault(o => o.Name == name)
                ?? throw ParsedArguments.ArgumentError(UnknownOptionMessage(command, name));
            if (spec.IsFlag)
            {
                if (eq > 0)
                {
                    throw ParsedArguments.ArgumentError($"option {name} is a flag and takes no value.");
                }

                options[name] = null;
                continue;
            }

            if (options.ContainsKey(name))
            {
                // Silently keeping the last of two values would drop the user's first one.
                throw ParsedArguments.ArgumentError($"option {name} is given twice; give it once (options that take several values accept a comma-separated " +
                    $"list).");
            }

            string value;
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw ParsedArguments.ArgumentError($"option {name} needs a value ({spec.ValueName}).");
            }

            options[name] = value;
        }

        var required = command.Arguments.Count(a => a.Required);
        if (!options.ContainsKey("--help") && !command.AcceptsMissingArguments(options))
        {
            if (positionals.Count < required)
            {
                var missing = command.Arguments[positionals.Count];
                throw ParsedArguments.ArgumentError($"'{command.Name}' needs the argument <{missing.Name}>: {missing.Description}");
            }

            if (positionals.Count > command.Arguments.Count && command.Arguments is not [.., { Repeated: true }])
            {
                throw ParsedArguments.ArgumentError($"'{command.Name}' takes {command.Arguments.Count} argument(s); unexpected " +
                    $"'{positionals[command.Arguments.Count]}'.");
            }
        }

        return new ParsedArguments(positionals, options);
    }

    private static string UnknownOptionMessage(CliCommand command, string name)
    {
        var suggestion = command.AllOptions
            .Select(o => (o.Name, Distance: EditDistance(o.Name, name)))
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
