namespace Gac.Cli.Hosting;

/// <summary>Renders --help for the tool and for each command.</summary>
public static class HelpText
{
    public static void WriteOverview(TextWriter output, IReadOnlyList<CliCommand> commands, string version)
    {
        output.WriteLine($"gac-build {version} — GPU-aligned compression for ONNX models");
        output.WriteLine();
        output.WriteLine("Usage: gac-build <command> [arguments] [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (var command in commands)
        {
            output.WriteLine($"  {command.Name,-10} {command.Summary}");
        }

        output.WriteLine();
        output.WriteLine("Every command takes --format text|json and --help.");
        output.WriteLine("Exit codes: 0 ok/accepted, 1 rejected by the gate, 2 bad input, 3 internal error.");
    }

    public static void WriteCommand(TextWriter output, CliCommand command)
    {
        var arguments = string.Join(' ', command.Arguments.Select(a => (a.Required ? $"<{a.Name}>" : $"[{a.Name}]") + (a.Repeated ? "..." : string.Empty)));
        output.WriteLine($"Usage: gac-build {command.Name} {arguments} [options]".Replace("  ", " ", StringComparison.Ordinal));
        output.WriteLine();
        output.WriteLine(command.Summary);
        if (command.Arguments.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Arguments:");
            foreach (var argument in command.Arguments)
            {
                output.WriteLine($"  {argument.Name,-22} {argument.Description}");
            }
        }

        output.WriteLine();
        output.WriteLine("Options:");
        foreach (var option in command.AllOptions)
        {
            var left = option.IsFlag ? option.Name : $"{option.Name} <{option.ValueName}>";
            output.WriteLine($"  {left,-22} {option.Description}");
        }
    }
}
