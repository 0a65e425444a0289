using System.Text.Json;
using Gac.Onnx.Synthetic;

namespace Gac.Cli.Tests;

public sealed class AuditCommandTests
{
    // hidden 100 / MLP 300 are misaligned for generic-8; hidden 64 / MLP 96 are aligned.
    public static TheoryData<WeightStorage> Storages => new()
    {
        WeightStorage.Initializers,
        WeightStorage.ConstantNodes,
        WeightStorage.GemmTransposed,
        WeightStorage.External,
    };

    [Theory]
    [MemberData(nameof(Storages))]
    public void Json_audit_reports_every_layer_with_its_dims_for_each_weight_layout(WeightStorage storage)
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 100, Heads = 4, Intermediate = 300, Blocks = 2, Storage = storage }, model);

        var run = CliRun.Invoke("audit", model, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(14, layers.Count); // 2 blocks × (q, k, v, o, gate, up, down)
        var down = layers.Single(l => l.GetProperty("name").GetString() == "blocks.1.mlp.down_proj");
        Assert.Equal(300, down.GetProperty("inFeatures").GetInt64());
        Assert.Equal(100, down.GetProperty("outFeatures").GetInt64());
        Assert.Equal("mlp-down", down.GetProperty("role").GetString());
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(2 * (4 * (100 * 100 + 100) + 3 * 100 * 300), totals.GetProperty("linearParameters").GetInt64());
        Assert.Equal(0.0, totals.GetProperty("alignedDimensionPercent").GetDouble());
        Assert.Equal(100.0, totals.GetProperty("misalignedFlopPercent").GetDouble());
    }

    [Fact]
    public void Mixed_alignment_gives_the_share_of_aligned_dims_and_misaligned_flops()
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        // hidden 64 aligned, MLP 100 misaligned: attention 4 layers all aligned; gate/up N=100, down K=100.
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 64, Heads = 4, Intermediate = 100, Blocks = 1 }, model);

        var run = CliRun.Invoke("audit", model, "--format", "json");

        using var json = JsonDocument.Parse(run.Out);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(14, totals.GetProperty("dimensions").GetInt32());
        Assert.Equal(11, totals.GetProperty("alignedDimensions").GetInt32()); // 8 attention + 3 hidden-side MLP dims
        var mlpFlops = 3.0 * 64 * 100;
        var attentionFlops = 4.0 * 64 * 64;
        Assert.Equal(100 * mlpFlops / (mlpFlops + attentionFlops), totals.GetProperty("misalignedFlopPercent").GetDouble(), precision: 6);
    }

    [Fact]
    public void Text_table_fits_an_80_column_terminal()
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 96, Heads = 3, Intermediate = 250, Blocks = 12 }, model);

        var run = CliRun.Invoke("audit", model, "--profile", "nvidia-hopper-fp16");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("blocks.11.mlp.down_proj", run.Out, StringComparison.Ordinal);
        Assert.All(run.Out.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 80, $"too wide: '{line}'"));
    }

    [Fact]
    public void Fail_below_exits_1_when_alignment_is_under_the_threshold_and_0_when_above()
    {
        using var folder = new TempFolder();
        var model = folder.File("m.onnx");
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Hidden = 64, Heads = 4, Intermediate = 100, Blocks = 1 }, model);

        Assert.Equal(1, CliRun.Invoke("audit", model, "--fail-below", "90").ExitCode); // 11/14 = 78.6%
        Assert.Equal(0, CliRun.Invoke("audit", model, "--fail-below", "75").ExitCode);
        Assert.Equal(0, CliRun.Invoke("audit", model, "--align", "4", "--fail-below", "100").ExitCode);
    }

    [Fact]
    public void Missing_model_is_bad_input_without_a_stack_trace()
    {
        var run = CliRun.Invoke("audit", "/nonexistent/model.onnx");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9003", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
    }

    [Fact]
    public void Garbage_model_file_is_bad_input_with_an_import_code()
    {
        using var folder = new TempFolder();
        var model = folder.File("bad.onnx");
        File.WriteAllBytes(model, [0x0a, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);

        var run = CliRun.Invoke("audit", model);

        Assert.Equal(2, run.ExitCode);
        Assert.Matches(@"error GAC1\d{3}", run.Error);
        Assert.True(run.HasNoStackTrace);
    }

    [Fact]
    public void Unknown_profile_lists_the_built_in_ones()
    {
        var run = CliRun.Invoke("audit", "m.onnx", "--profile", "nvidia-volta");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("generic-8", run.Error, StringComparison.Ordinal);
    }
}
