using Gac.Runtime.Profiling;

namespace Gac.Runtime.Tests.Profiling;

public sealed class ProfileInputsTests
{
    [Fact]
    public void A_shape_key_is_KxN_the_key_a_low_rank_decision_looks_up()
    {
        var shape = GemmShape.Parse("4096x14336");

        Assert.Equal(new GemmShape(4096, 14336), shape);
        Assert.Equal("4096x14336", shape.Key);
        Assert.Equal("4096x14336-dense", shape.DenseKey);
        Assert.Equal(4096, shape.MaxRank);
        Assert.Equal(Gac.Core.Planning.PlanningDecision.LowRank("l", 4096, 14336, 500).LatencyKey, shape.Key);
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("4096x")]
    [InlineData("0x64")]
    [InlineData("-4x64")]
    [InlineData("4096x14336x2")]
    [InlineData("axb")]
    public void Malformed_shapes_are_rejected(string text)
        => Assert.Throws<FormatException>(() => GemmShape.Parse(text));

    [Fact]
    public void A_range_is_inclusive_and_stepped()
        => Assert.Equal([64, 72, 80, 88, 96], DimensionSweep.Parse("64:96:8").Dimensions);

    [Fact]
    public void A_list_is_sorted_and_deduplicated()
        => Assert.Equal([8, 16, 24], DimensionSweep.Parse("24, 8,16,8").Dimensions);

    [Theory]
    [InlineData("64:2048")]
    [InlineData("64:2048:0")]
    [InlineData("2048:64:8")]
    [InlineData("1:10000000:1")]
    [InlineData("8,x,16")]
    [InlineData("")]
    public void Malformed_sweeps_are_rejected(string text)
        => Assert.Throws<FormatException>(() => DimensionSweep.Parse(text));

    [Fact]
    public void Ranks_above_min_K_N_are_not_measured()
        => Assert.Equal([8, 16, 24, 32], DimensionSweep.Parse("8:64:8").For(new GemmShape(32, 4096)));

    [Fact]
    public void The_default_sweep_is_every_multiple_of_8_up_to_min_K_N_capped_at_2048()
    {
        Assert.Equal([8, 16, 24, 32, 40, 48, 56, 64], DimensionSweep.DefaultFor(new GemmShape(64, 64)).Dimensions);
        var big = DimensionSweep.DefaultFor(new GemmShape(4096, 14336)).Dimensions;
        Assert.Equal(256, big.Count);
        Assert.Equal(2048, big[^1]);
    }

    [Theory]
    [InlineData("fp16", ProbeDataType.Float16, "fp16")]
    [InlineData("FP32", ProbeDataType.Float32, "fp32")]
    [InlineData("float16", ProbeDataType.Float16, "fp16")]
    public void Data_types_parse_and_label_as_the_staircase_records_them(string text, ProbeDataType type, string label)
    {
        Assert.Equal(type, ProbeDataTypes.Parse(text));
        Assert.Equal(label, type.Label());
    }
}
