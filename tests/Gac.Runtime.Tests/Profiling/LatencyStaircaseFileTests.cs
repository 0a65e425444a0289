using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Runtime.Profiling;

namespace Gac.Runtime.Tests.Profiling;

public sealed class LatencyStaircaseFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gac-staircase-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void A_saved_staircase_loads_back_unchanged()
    {
        var staircase = new LatencyStaircase("NVIDIA H100 80GB HBM3", "fp16", 1024,
        [
            new LatencySeries("4096x4096", [new(1016, 0.0731), new(1024, 0.0612), new(1032, 0.0744)]),
            new LatencySeries("4096x4096-dense", [new(4096, 0.2513)]),
        ]);
        var path = Path.Combine(_folder, "nested", "profile.json");

        LatencyStaircaseFile.Save(staircase, path);
        var loaded = LatencyStaircase.Load(path);

        Assert.Equal((staircase.Device, staircase.DType, staircase.Tokens), (loaded.Device, loaded.DType, loaded.Tokens));
        Assert.Equal(staircase.Series.Select(s => s.Key), loaded.Series.Select(s => s.Key));
        // Doubles round-trip exactly through System.Text.Json (shortest round-trippable form), so no tolerance.
        Assert.Equal(staircase.Series.SelectMany(s => s.Points), loaded.Series.SelectMany(s => s.Points));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void Saving_over_a_folder_is_GAC4101_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_folder, "taken");
        Directory.CreateDirectory(path);

        var error = Assert.Throws<GacException>(() => LatencyStaircaseFile.Save(new LatencyStaircase("cpu", "fp32", 8, []), path));

        Assert.Equal("GAC4101", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
