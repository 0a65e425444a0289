using System.Text;

namespace Gac.Build.Tasks.Tooling;

/// <summary>
/// Joins arguments into the single command-line string ToolTask hands to <c>ProcessStartInfo.Arguments</c>.
/// .NET splits that string with the Windows argv rules on every OS, so quoting follows them: wrap in
/// double quotes, escape a quote with a backslash, and double the backslashes that precede a quote.
/// </summary>
internal static class CommandLineQuoting
{
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '\n', '"']) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder(argument.Length + 2).Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            quoted.Append(c);
        }

        // Backslashes before the closing quote are doubled so they do not escape it.
        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
