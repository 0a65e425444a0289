using System.Diagnostics;
using System.Text;

namespace Gac.Integration.Tests.Support;

/// <summary>The outcome of one child process: exit code and interleaved stdout/stderr.</summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}\n{Output}";
}

/// <summary>
/// Runs dotnet (or bash) as a child process in a clean environment: its own NUGET_PACKAGES (NuGet serves a
/// repacked same version stale from a shared cache), no MSBuild server or node reuse (no processes outlive a
/// test), and none of the MSBuild variables the test host inherits from `dotnet test`.
/// </summary>
public static class DotnetCommand
{
    public static CommandResult Run(string fileName, string arguments, string workingDirectory, string nugetPackages, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name == "GAC_BUILD_TOOL_PATH")
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["NUGET_PACKAGES"] = nugetPackages;
        // Local tools are resolved through a cache under DOTNET_CLI_HOME (~/.dotnet/toolResolverCache).
        // Keep it beside this run's packages: a global entry pointing into a deleted temp folder would
        // break the user's own `dotnet tool run gac-build` after the tests.
        start.Environment["DOTNET_CLI_HOME"] = Path.Combine(nugetPackages, "..", "cli-home");
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{fileName} {arguments}` did not finish in {timeout}.\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new CommandResult(process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
