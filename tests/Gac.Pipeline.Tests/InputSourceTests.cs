using System.Text;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Synthetic;
using Gac.Runtime.Benchmark;
using Google.Protobuf;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Calibration, fidelity and latency draw from the one source the spec names. A model whose integer
/// input indexes nothing has no valid generated values (GAC4020), so a run on it only gets through
/// validation and the benchmark when they are fed from calibration.inputs or calibration.npy too.
/// </summary>
public sealed class InputSourceTests
{
    [Fact]
    public async Task Generated_inputs_refuse_an_integer_input_whose_range_the_graph_does_not_tell()
    {
        using var workspace = ModelWithOffsetIds();

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(name: "generated.yaml")));

        Assert.Equal("GAC4020", error.Diagnostics[0].Code);
        Assert.Contains("'offset_ids'", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibration_inputs_feed_validation_and_the_benchmark_as_well()
    {
        using var workspace = ModelWithOffsetIds();
        var spec = WithCalibration(workspace, """
              inputs:
                - { name: hidden_states, shape: [1, 16, 96], dtype: float32, min: -1.0, max: 1.0 }
                - { name: offset_ids, shape: [1, 16], dtype: int64, min: 0, max: 3 }
            """);

        var result = await GacPipeline.RunAsync(spec);

        Assert.InRange(result.ExitCode, 0, 1);
        Assert.Equal(4, result.Report.Fidelity!.Samples);
        Assert.All(result.Report.Latency.Single().Variants, v => Assert.True(v.P50Ms > 0));
    }

    [Fact]
    public async Task Npy_data_feeds_validation_and_says_it_is_not_held_out()
    {
        using var workspace = ModelWithOffsetIds();
        WriteNpy(Path.Combine(workspace.Folder, "hidden.npy"), "<f4", [1, 16, 96], Enumerable.Range(0, 16 * 96).SelectMany(i => BitConverter.GetBytes((float)Math.Sin(i))).ToArray());
        WriteNpy(Path.Combine(workspace.Folder, "offsets.npy"), "<i8", [1, 16], Enumerable.Range(0, 16).SelectMany(i => BitConverter.GetBytes((long)(i % 4))).ToArray());
        var spec = WithCalibration(workspace, """
              npy: { hidden_states: hidden.npy, offset_ids: offsets.npy }
            """);

        var result = await GacPipeline.RunAsync(spec);

        Assert.InRange(result.ExitCode, 0, 1);
        Assert.Equal(1, result.Report.Fidelity!.Samples);
        Assert.Contains(result.Report.Warnings, w => w.Contains("GAC4022", StringComparison.Ordinal));
    }

    [Fact]
    public void Ids_are_bounded_by_the_smallest_table_they_index_through_casts()
    {
        var builder = new OnnxGraphBuilder("ids");
        builder.Input("ids", OnnxDataType.Int64, "batch", "seq");
        builder.Input("position_ids", OnnxDataType.Int64, "batch", "seq");
        var cast = builder.Node("Cast", ["ids"], "cast", OnnxAttributes.Int("to", (long)OnnxDataType.Int32));
        var wide = builder.Node("Gather", [builder.Initializer(OnnxTensorFactory.Floats("wide", new float[10 * 4], 10, 4)), cast], "gather_wide");
        var narrow = builder.Node("Gather", [builder.Initializer(OnnxTensorFactory.Floats("narrow", new float[7 * 4], 7, 4)), "ids"], "gather_narrow");
        var positions = builder.Node("Gather", [builder.Initializer(OnnxTensorFactory.Floats("positions", new float[4 * 4], 4, 4)), "position_ids"], "gather_positions");
        var sum = builder.Node("Add", [builder.Node("Add", [wide, narrow], "add1"), positions], "add2");
        builder.Output(sum, OnnxDataType.Float, "batch", "seq", 4);
        var model = builder.Build();

        var domains = InputDomainDiscovery.Discover(model);

        Assert.Equal(new IntegerInputDomain("ids", IntegerInputKind.Ids, 7, "narrow"), domains.For("ids"));
        Assert.Equal(new IntegerInputDomain("position_ids", IntegerInputKind.Positions, 4, "positions"), domains.For("position_ids"));

        using var session = CpuSession.Open(model.ToByteArray());
        using (var inputs = RandomInputs.Create(session.Signature, ShapeBucket.Parse("batch=3,seq=4"), seed: 2, domains))
        {
            Assert.All(inputs["ids"].Int64Values.ToArray(), id => Assert.InRange(id, 0, 6));
            Assert.Equal([0L, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], inputs["position_ids"].Int64Values.ToArray());
            using var outputs = session.Run(inputs, session.Signature.OutputNames, "test");
        }

        // Five positions do not fit a four-row table.
        var error = Assert.Throws<GacException>(() => RandomInputs.Create(session.Signature, ShapeBucket.Parse("batch=1,seq=5"), seed: 2, domains));
        Assert.Equal("GAC4021", error.Diagnostics[0].Code);
    }

    /// <summary>The synthetic transformer with a second input: int64 offset_ids [batch, seq], added (×0.01) to the hidden states; it indexes nothing.</summary>
    private static PipelineWorkspace ModelWithOffsetIds()
    {
        var workspace = new PipelineWorkspace();
        var model = OnnxModelFile.Load(workspace.ModelPath).Model;
        var graph = model.Graph;
        var input = SyntheticTransformer.InputName;
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == input ? "shifted" : node.Input[i];
            }
        }

        graph.Input.Add(new ValueInfoProto
        {
            Name = "offset_ids",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxDataType.Int64, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" }, new TensorShapeProto.Types.Dimension { DimParam = "seq" } } } } },
        });
        graph.Initializer.Add(OnnxTensorFactory.Int64Vector("offset.axes", 2));
        graph.Initializer.Add(OnnxTensorFactory.FloatScalar("offset.scale", 0.01f));
        graph.Node.Insert(0, new NodeProto { OpType = "Cast", Name = "offset/Cast", Input = { "offset_ids" }, Output = { "offset_f" }, Attribute = { OnnxAttributes.Int("to", (long)OnnxDataType.Float) } });
        graph.Node.Insert(1, new NodeProto { OpType = "Unsqueeze", Name = "offset/Unsqueeze", Input = { "offset_f", "offset.axes" }, Output = { "offset_u" } });
        graph.Node.Insert(2, new NodeProto { OpType = "Mul", Name = "offset/Mul", Input = { "offset_u", "offset.scale" }, Output = { "offset_s" } });
        graph.Node.Insert(3, new NodeProto { OpType = "Add", Name = "offset/Add", Input = { input, "offset_s" }, Output = { "shifted" } });
        File.WriteAllBytes(workspace.ModelPath, model.ToByteArray());
        return workspace;
    }

    /// <summary>The workspace's spec with its calibration section replaced.</summary>
    private static GacSpec WithCalibration(PipelineWorkspace workspace, string calibration)
    {
        var path = Path.Combine(workspace.Folder, "gac.yaml");
        workspace.Spec();
        var text = File.ReadAllText(path);
        var start = text.IndexOf("calibration:", StringComparison.Ordinal);
        var end = text.IndexOf("compress:", StringComparison.Ordinal);
        File.WriteAllText(path, text[..start] + "calibration:\n  samples: 4\n" + calibration.TrimEnd() + "\n" + text[end..]);
        return GacSpecLoader.Load(path);
    }

    /// <summary>A version 1.0 .npy file (NumPy's NEP 1 format): magic, version, header length, dict header padded to 64 bytes, data.</summary>
    private static void WriteNpy(string path, string descr, long[] shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : string.Empty)}), }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
    }
}
