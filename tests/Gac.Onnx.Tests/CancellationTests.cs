using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Discovery;
using Gac.Onnx.Exporters;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Gac.Onnx.Tests.Exporters;

namespace Gac.Onnx.Tests;

/// <summary>
/// The long loops of Gac.Onnx (checkpoint export, fp16 conversion, writing a model with its data,
/// pruning rewrites) stop at the next tensor or group once their token is cancelled, and a stopped
/// write leaves no file behind: neither a model nor a data file nor a temporary one.
/// </summary>
public sealed class CancellationTests
{
    [Theory]
    [InlineData(ExternalDataPolicy.External)]
    [InlineData(ExternalDataPolicy.Embed)]
    public void An_export_cancelled_after_a_few_weights_stops_and_leaves_the_folder_empty(ExternalDataPolicy policy)
    {
        using var scratch = new ScratchFolder();
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        using var cancellation = new CancellationTokenSource();
        var weights = new CancellingCheckpoint(TinyCheckpoints.Create(config), cancelAfterReads: 3, cancellation);
        var options = new CheckpointExportOptions { FlushToDisk = false, ExternalData = policy };

        Assert.Throws<OperationCanceledException>(() => CheckpointExporter.Export(config, weights, scratch.File("model.onnx"), options, cancellation.Token));

        // Stopped within a weight of the cancel: a whole export reads every tensor of the checkpoint.
        var whole = new CancellingCheckpoint(TinyCheckpoints.Create(config), cancelAfterReads: int.MaxValue, cancellation);
        CheckpointExporter.BuildInMemory(config, whole);
        Assert.InRange(weights.Reads, 3, 4);
        Assert.True(whole.Reads > 10, $"{whole.Reads} reads");
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void An_export_that_is_not_cancelled_writes_the_model()
    {
        using var scratch = new ScratchFolder();
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        using var cancellation = new CancellationTokenSource();
        var options = new CheckpointExportOptions { FlushToDisk = false, ExternalData = ExternalDataPolicy.External };

        var export = CheckpointExporter.Export(config, TinyCheckpoints.Create(config), scratch.File("model.onnx"), options, cancellation.Token);

        Assert.True(File.Exists(export.ModelPath));
        Assert.True(File.Exists(export.DataPath));
    }

    [Fact]
    public void Fp16_conversion_with_a_cancelled_token_stops()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48 }), "m.onnx");

        Assert.Throws<OperationCanceledException>(() => Fp16Conversion.Apply(model, cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public void A_cancelled_commit_writes_no_model_and_its_data_file_is_removed()
    {
        using var scratch = new ScratchFolder();
        var source = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48 }), scratch.File("source.onnx"));
        var target = Path.Combine(scratch.Path, "out", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        using (var data = new ExternalDataBuilder(target, OnnxSaveOptions.Default with { ExternalData = ExternalDataPolicy.External }))
        {
            Assert.Throws<OperationCanceledException>(() => data.Commit(source, new CancellationToken(canceled: true)));
        }

        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void A_pruning_rewrite_with_a_cancelled_token_stops_before_the_first_group()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48 }), "m.onnx");
        var groups = LinearLayerDiscovery.Discover(model).Groups;
        var channels = groups.Where(g => g.Kind == GroupKind.Mlp).Select(g => new ChannelPruning(g.Name, [0, 1, 2, 3])).ToList();
        var heads = groups.Where(g => g.Kind == GroupKind.Attention).Select(g => new HeadPruning(g.Name, [0, 1])).ToList();
        var cancelled = new CancellationToken(canceled: true);

        Assert.Throws<OperationCanceledException>(() => ChannelPruneRewrite.Apply(model, channels, cancellationToken: cancelled));
        Assert.Throws<OperationCanceledException>(() => HeadPruneRewrite.Apply(model, heads, cancellationToken: cancelled));
    }

    /// <summary>A checkpoint that cancels its token once <paramref name="cancelAfterReads"/> tensors were read.</summary>
    private sealed class CancellingCheckpoint(ICheckpointTensors inner, int cancelAfterReads, CancellationTokenSource cancellation) : ICheckpointTensors
    {
        public int Reads { get; private set; }

        public string Source => inner.Source;

        public bool Contains(string name) => inner.Contains(name);

        public IReadOnlyList<long> Shape(string name) => inner.Shape(name);

        public float[] ReadFloat32(string name)
        {
            Reads++;
            if (Reads == cancelAfterReads)
            {
                cancellation.Cancel();
            }

            return inner.ReadFloat32(name);
        }
    }
}
