using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gac.Compression.Checkpoints;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Exporters;
using Gac.Onnx.Rewrites;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Compression.Tests.Checkpoints;

/// <summary>
/// CheckpointExportOptions.WeightStorage on the bundled trained Llama saved as BF16 / F16: the import stores each
/// weight in the checkpoint's own 16-bit type — its bytes, read straight from the safetensors file, transposed
/// to [in, out] — behind a Cast to float32. Widening bfloat16 / float16 to float32 is exact and the arithmetic
/// stays float32, so the logits on ONNX Runtime's CPU provider are bitwise those of the float32 import, and the
/// fp16 / bf16 conversion of either import is one and the same model.
/// </summary>
public sealed class HalfStorageImportTests : IDisposable
{
    private static readonly string TinyLlama = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-half-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(SafetensorsDType.BF16, OnnxDataType.BFloat16)]
    [InlineData(SafetensorsDType.F16, OnnxDataType.Float16)]
    public void The_half_storage_import_holds_the_checkpoint_bits_and_gives_the_fp32_imports_logits_bit_for_bit(string dtype, OnnxDataType storage)
    {
        var folder = Checkpoint(dtype);
        var config = TransformerConfigReader.Load(Path.Combine(folder, "config.json"));
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var fp32 = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, $"{dtype}-fp32.onnx"),
            new CheckpointExportOptions { FlushToDisk = false, ExternalData = ExternalDataPolicy.External });
        var half = CheckpointExporter.Export(config, checkpoint, Path.Combine(_folder, $"{dtype}-half.onnx"),
            new CheckpointExportOptions { FlushToDisk = false, ExternalData = ExternalDataPolicy.External, WeightStorage = storage });

        // Every checkpoint tensor is stored in 16 bits: half the bytes, the same parameter count.
        Assert.Equal(fp32.Parameters, half.Parameters);
        var halfOfFp32 = new FileInfo(fp32.DataPath!).Length / 2;
        // Page-aligned offsets pad each external tensor by less than 4 KiB.
        Assert.InRange(new FileInfo(half.DataPath!).Length, halfOfFp32 - (256 << 10), halfOfFp32 + (256 << 10));
        var graph = OnnxModelFile.Load(half.ModelPath, loadExternalData: true).Model.Graph;
        foreach (var name in checkpoint.Names)
        {
            var tensor = graph.Initializer.Single(t => t.Name == name);
            Assert.Equal((int)storage, tensor.DataType);
            var expected = RawBits(folder, checkpoint.Entry(name));
            var stored = MemoryMarshal.Cast<byte, ushort>(tensor.RawData.Span).ToArray();
            // Linear weights are nn.Linear's [out, in], stored [in, out] for MatMul; everything else as it is.
            Assert.Equal(name.EndsWith("proj.weight", StringComparison.Ordinal) || name == "lm_head.weight"
                ? Transpose(expected, checkpoint.Shape(name)) : expected, stored);
            // Storage only: the one reader is a Cast to float32.
            var reader = Assert.Single(graph.Node, n => n.Input.Contains(name));
            Assert.Equal("Cast", reader.OpType);
            Assert.Equal((long)OnnxDataType.Float, reader.Attribute.Single(a => a.Name == "to").I);
        }

        var ids = File.ReadAllText(Path.Combine(TinyLlama, "heldout.tokens")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Take(config.MaxPositions).Select(long.Parse).ToArray();
        var a = Run(fp32.ModelPath, ids);
        var b = Run(half.ModelPath, ids);
        Assert.Equal(a.Select(BitConverter.SingleToUInt32Bits), b.Select(BitConverter.SingleToUInt32Bits));
    }

    [Theory]
    [InlineData(SafetensorsDType.BF16, OnnxDataType.BFloat16)]
    [InlineData(SafetensorsDType.BF16, OnnxDataType.Float16)]
    [InlineData(SafetensorsDType.F16, OnnxDataType.Float16)]
    public void The_half_conversion_of_the_half_storage_import_is_the_conversion_of_the_fp32_import(string dtype, OnnxDataType target)
    {
        var folder = Checkpoint(dtype);
        var config = TransformerConfigReader.Load(Path.Combine(folder, "config.json"));
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var storage = dtype == SafetensorsDType.BF16 ? OnnxDataType.BFloat16 : OnnxDataType.Float16;
        var fp32 = CheckpointExporter.BuildInMemory(config, checkpoint);
        var half = CheckpointExporter.BuildInMemory(config, checkpoint, CheckpointExportOptions.Default with { WeightStorage = storage });
        var options = Fp16ConversionOptions.Default with { HalfType = target };
        var path = Path.Combine(_folder, "model.onnx");

        var expected = Fp16Conversion.Apply(OnnxModelFile.FromModel(fp32, path), options);
        var actual = Fp16Conversion.Apply(OnnxModelFile.FromModel(half, path), options);

        Assert.NotEqual(fp32.Graph, half.Graph);
        // Same nodes in the same order, same initializers with the same names, types, shapes and bytes.
        Assert.Equal(expected.Graph.Node, actual.Graph.Node);
        Assert.Equal(expected.Graph.Initializer, actual.Graph.Initializer);
        Assert.Equal(expected.Graph, actual.Graph);
    }

    [Fact]
    public void A_float32_tensor_the_half_type_cannot_hold_exactly_stays_float32()
    {
        // F16 matrices beside the trained F32 norm gains: the gains' float32 bits are not all float16 values.
        var folder = Checkpoint(SafetensorsDType.F16, keepF32: "model.norm.weight");
        var config = TransformerConfigReader.Load(Path.Combine(folder, "config.json"));
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var norm = checkpoint.ReadFloat32("model.norm.weight");
        Assert.Contains(norm, v => (float)(Half)v != v);

        var graph = CheckpointExporter.BuildInMemory(config, checkpoint, CheckpointExportOptions.Default with { WeightStorage = OnnxDataType.Float16 }).Graph;

        var gain = graph.Initializer.Single(t => t.Name == "model.norm.weight");
        Assert.Equal((int)OnnxDataType.Float, gain.DataType);
        Assert.Equal(norm, MemoryMarshal.Cast<byte, float>(gain.RawData.Span).ToArray());
        Assert.Equal((int)OnnxDataType.Float16, graph.Initializer.Single(t => t.Name == "lm_head.weight").DataType);
    }

    /// <summary>The tensor's 16-bit words as the safetensors file holds them (8-byte header length, JSON header, then the data).</summary>
    private static ushort[] RawBits(string folder, SafetensorsEntry entry)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName));
        var start = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan((int)(start + entry.Begin), (int)(entry.End - entry.Begin))).ToArray();
    }

    private static ushort[] Transpose(ushort[] values, IReadOnlyList<long> shape)
    {
        var (rows, columns) = ((int)shape[0], (int)shape[1]);
        var result = new ushort[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }

    /// <summary>tiny-llama with its tensors stored as <paramref name="dtype"/> (rounded to nearest even, as torch's .to() does).</summary>
    private string Checkpoint(string dtype, string? keepF32 = null)
    {
        var folder = Path.Combine(_folder, $"tiny-llama-{dtype}{(keepF32 is null ? string.Empty : "-mixed")}");
        if (Directory.Exists(folder))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TinyLlama, "config.json"), Path.Combine(folder, "config.json"));
        using var source = SafetensorsCheckpoint.Open(TinyLlama);
        var tensors = source.Names.Order(StringComparer.Ordinal)
            .Select(n => new SafetensorsTensor(n, source.Shape(n), source.ReadFloat32(n), n == keepF32 ? SafetensorsDType.F32 : dtype))
            .ToList();
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), tensors);
        return folder;
    }

    private static float[] Run(string model, long[] ids)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [1, ids.Length]))]);
        return results.Single(r => r.Name == CheckpointExport.OutputName).AsTensor<float>().ToArray();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gac.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
