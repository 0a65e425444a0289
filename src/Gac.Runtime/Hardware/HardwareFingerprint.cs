using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Gac.Core.Reports;
using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Hardware;

/// <summary>
/// Captures what ran a measurement as a <see cref="HardwareSection"/> (the report's one type for it), so a
/// report's numbers can be compared only with like. Every probe is best-effort: a missing
/// /proc/cpuinfo or nvidia-smi gives "n/a", never an error.
/// </summary>
public static partial class HardwareFingerprint
{
    public const string NotAvailable = "n/a";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <param name="provider">The provider the measurement runs on: GPU fields are probed only for CUDA.</param>
    /// <param name="runCommand">Runs a program with arguments and returns its stdout or null; injectable for tests.</param>
    public static HardwareSection Capture(ExecutionProvider provider, int? intraOpThreads = null, Func<string, string, string?>? runCommand = null)
    {
        runCommand ??= RunProcess;
        var (gpu, driver, cuda) = provider == ExecutionProvider.Cuda
            ? ProbeGpu(runCommand)
            : (NotAvailable, NotAvailable, NotAvailable);
        return new HardwareSection(
            ReadCpuModel(),
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            ReadOrtVersion(),
            gpu,
            driver,
            cuda,
            intraOpThreads);
    }

    /// <summary>The first "model name" line of /proc/cpuinfo (x86); "n/a" when absent (e.g. some ARM kernels).</summary>
    internal static string ParseCpuModel(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() is "model name" or "Model" or "Hardware")
            {
                var value = line[(colon + 1)..].Trim();
                if (value.Length > 0)
                {
                    return value;
                }
            }
        }

        return NotAvailable;
    }

    /// <summary>Parses `nvidia-smi --query-gpu=name,driver_version --format=csv,noheader` (first GPU) and the banner's "CUDA Version: 12.4".</summary>
    internal static (string Name, string Driver, string Cuda) ParseNvidiaSmi(string? query, string? banner)
    {
        var name = NotAvailable;
        var driver = NotAvailable;
        var firstLine = query?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (firstLine is not null)
        {
            var fields = firstLine.Split(',', StringSplitOptions.TrimEntries);
            name = fields.Length > 0 && fields[0].Length > 0 ? fields[0] : NotAvailable;
            driver = fields.Length > 1 && fields[1].Length > 0 ? fields[1] : NotAvailable;
        }

        var cuda = banner is not null && CudaVersionPattern().Match(banner) is { Success: true } m ? m.Groups[1].Value : NotAvailable;
        return (name, driver, cuda);
    }

    private static (string, string, string) ProbeGpu(Func<string, string, string?> runCommand)
        => ParseNvidiaSmi(runCommand("nvidia-smi", "--query-gpu=name,driver_version --format=csv,noheader"), runCommand("nvidia-smi", string.Empty));

    private static string ReadCpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? ParseCpuModel(File.ReadAllText("/proc/cpuinfo")) : NotAvailable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return NotAvailable;
        }
    }

    private static string ReadOrtVersion()
    {
        try
        {
            return OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return NotAvailable;
        }
    }

    private static string? RunProcess(string program, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"CUDA Version:\s*([0-9.]+)")]
    private static partial Regex CudaVersionPattern();
}
