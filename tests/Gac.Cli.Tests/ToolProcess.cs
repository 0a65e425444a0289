using System.Diagnostics;

namespace Gac.Cli.Tests;

/// <summary>gac-build as its own process (the built gac-build.dll under the same dotnet host), as a CI job or a terminal runs it.</summary>
internal static class ToolProcess
{
    /// <param name="environment">Variables set for the child only (TMPDIR, DOTNET_GCHeapHardLimit, …).</param>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gac-build.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start gac-build");
    }

    /// <summary>Runs to the end (at most ten minutes) and returns the exit code and both streams.</summary>
    public static async Task<CliRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
