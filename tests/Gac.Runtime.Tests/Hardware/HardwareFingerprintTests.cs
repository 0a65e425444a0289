using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Tests.Hardware;

public sealed class HardwareFingerprintTests
{
    [Fact]
    public void Cpu_model_comes_from_the_first_model_name_line()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7V13 64-Core Processor\n\nprocessor\t: 1\nmodel name\t: " +
            "AMD EPYC 7V13 64-Core Processor\n";

        Assert.Equal("AMD EPYC 7V13 64-Core Processor", HardwareFingerprint.ParseCpuModel(cpuinfo));
        Assert.Equal("n/a", HardwareFingerprint.ParseCpuModel("processor : 0\n"));
    }

    [Fact]
    public void Nvidia_smi_output_gives_name_driver_and_cuda_version()
    {
        const string query = "NVIDIA H100 80GB HBM3, 550.54.15\nNVIDIA H100 80GB HBM3, 550.54.15\n";
        const string banner = "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |";

        Assert.Equal(("NVIDIA H100 80GB HBM3", "550.54.15", "12.4"), HardwareFingerprint.ParseNvidiaSmi(query, banner));
        Assert.Equal(("n/a", "n/a", "n/a"), HardwareFingerprint.ParseNvidiaSmi(null, null));
    }

    [Fact]
    public void Capture_on_cpu_fills_the_machine_and_leaves_gpu_fields_na()
    {
        var fingerprint = HardwareFingerprint.Capture(ExecutionProvider.Cpu, intraOpThreads: 2);

        Assert.True(fingerprint.LogicalCores >= 1);
        Assert.StartsWith(".NET", fingerprint.DotnetVersion, StringComparison.Ordinal);
        Assert.Equal("1.31.0", fingerprint.OnnxRuntimeVersion); // the native library of Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0
        Assert.Equal("n/a", fingerprint.GpuName);
        Assert.Equal(2, fingerprint.IntraOpThreads);
    }

    [Fact]
    public void Capture_on_cuda_without_nvidia_smi_does_not_fail()
    {
        var fingerprint = HardwareFingerprint.Capture(ExecutionProvider.Cuda, runCommand: (_, _) => null);

        Assert.Equal(("n/a", "n/a", "n/a"), (fingerprint.GpuName, fingerprint.GpuDriver, fingerprint.CudaVersion));
    }
}
