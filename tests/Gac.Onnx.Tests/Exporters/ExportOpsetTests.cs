using Gac.Core.Diagnostics;
using Gac.Onnx.Exporters;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>export.opset: every supported opset writes its own operator forms (Split num_outputs and ReduceMean axes as input from 18) and the same
/// logits.</summary>
public sealed class ExportOpsetTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var opset in Enumerable.Range(CheckpointExportOptions.MinimumOpset, CheckpointExportOptions.MaximumOpset - CheckpointExportOptions.MinimumOpset
            + 1))
        {
            data.Add(TinyCheckpoints.LlamaGqa, opset);
            data.Add(TinyCheckpoints.Gpt2, opset);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_supported_opset_is_written_as_asked_and_gives_the_opset_17_logits(string json, int opset)
    {
        var config = TinyCheckpoints.Config(json);
        var weights = TinyCheckpoints.Create(config);
        var ids = TinyCheckpoints.TokenIds(12, config.VocabSize, seed: 21);
        var model = CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { Opset = opset, PastKeyValues = true });

        Assert.Equal(opset, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        Assert.Equal(DecoderGraph.IrVersionFor(opset), model.IrVersion);
        using var reference = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { PastKeyValues = true }));
        using var runner = new DecodeRunner(model);
        Assert.Equal(reference.Run(ids, 2, 6, null).Logits, runner.Run(ids, 2, 6, null).Logits);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    public void An_opset_outside_the_supported_range_is_GAC3020(int opset)
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);

        var error = Assert.Throws<GacException>(() => CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config),
            new CheckpointExportOptions { Opset = opset }));

        Assert.Equal("GAC3020", error.Diagnostics[0].Descriptor.Code);
    }
}
