using Gac.Core.Audit;
using Gac.Core.Hardware;
using Gac.Core.Model;
using Gac.Onnx.Discovery;

namespace Gac.Onnx.Tests.Audit;

public sealed class AuditTextRendererTests
{
    [Fact]
    public void Every_line_fits_an_80_column_terminal_even_with_very_long_names()
    {
        var longName = "model.encoder.layers.23.self_attention.multi_head_attention_block.query_projection_with_a_long_suffix";
        var inventory = new ModelInventory(
            "long",
            [
                new LinearLayer(longName, longName + ".weight", 4096, 4095, true, LinearRole.Query,
                    "model.encoder.layers.23.self_attention.multi_head_attention_block"),
                new LinearLayer("short", "short.weight", 123_456_789, 8, false),
            ],
            [new LinearGroup("model.encoder.layers.23.self_attention.multi_head_attention_block", GroupKind.Attention, [longName], 4095, 45, 91)]);

        var text = AuditTextRenderer.Render(AlignmentAudit.Run(inventory, BuiltInProfiles.Generic8));
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.All(lines, line => Assert.True(line.Length <= AuditTextRenderer.MaxWidth, $"{line.Length} chars: {line}"));
        var row = lines.Single(l => l.StartsWith("model.", StringComparison.Ordinal) && l.Contains("q ", StringComparison.Ordinal));
        Assert.Contains("…", row, StringComparison.Ordinal);
        Assert.EndsWith("  N", row, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Dimensions aligned:", StringComparison.Ordinal) && l.Contains("(50.0%)", StringComparison.Ordinal));
    }

    [Fact]
    public void Middle_truncation_keeps_both_ends_of_a_name()
    {
        var cut = AuditTextRenderer.TruncateMiddle("blocks.31.attention.q_proj", 15);

        Assert.Equal("blocks.…q_proj", cut[..7] + "…" + cut[^6..]);
        Assert.Equal(15, cut.Length);
        Assert.Equal("short", AuditTextRenderer.TruncateMiddle("short", 15));
    }

    [Fact]
    public void The_real_model_renders_its_layers_groups_and_totals()
    {
        var inventory = LinearLayerDiscovery.Discover(OnnxModelFile.Load(TestModels.PaddleOcrRecognizer));

        var text = AuditTextRenderer.Render(AlignmentAudit.Run(inventory, BuiltInProfiles.Generic8));

        Assert.Contains("linear_77", text, StringComparison.Ordinal);
        Assert.Contains("head_dim", text, StringComparison.Ordinal); // head_dim 15 is not a multiple of 8
        Assert.Contains("Linear layers:", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 80, line));
    }
}
