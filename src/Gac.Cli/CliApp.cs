using Gac.Core.Diagnostics;

namespace Gac.Cli;

public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stdout.WriteLine("gac-build");
        return ExitCodes.Success;
    }
}
