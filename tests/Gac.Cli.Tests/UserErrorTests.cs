using Gac.Core.Model;
using Gac.Onnx;
using Gac.Onnx.Building;
using Gac.Onnx.Synthetic;

namespace Gac.Cli.Tests;

/// <summary>
/// Bad input is exit 2 with a GAC code and no stack trace, in `check` where the headers show it and in
/// `run` before any work; exit 3 is kept for real bugs. One test per case a user hit.
/// </summary>
public sealed class UserErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string TinyLlama => RepositoryFiles.Path("examples", "models", "tiny-llama");

    [Fact]
    public void A_token_id_at_or_above_the_vocabulary_is_refused_naming_the_file_line_and_id()
    {
        // tiny-llama's config.json: vocab_size 256, so 256 is the first id outside it.
        File.WriteAllText(_folder.File("text.tokens"), string.Join(' ', Enumerable.Range(0, 300).Select(i => i % 200)) + "\n1 2 256 3\n" + string.Join('\n',
            Enumerable.Repeat("7 8 9 10", 400)));
        WriteSpec(TinyLlama, "tokens: text.tokens, dims: { seq: 16 }, samples: 2", "max_perplexity_increase: \"5%\"");

        AssertRefusedByCheckAndRun("text.tokens(2): error GAC1010: token id 256 is outside the model's vocabulary of 256 ids (0 to 255).");
    }

    [Theory]
    [InlineData("asvd", 0.96, "GAC2001")]
    [InlineData("asvd", 0.95, "GAC2001")]
    public void A_ratio_beyond_what_the_compressor_can_remove_is_refused_by_check_and_run(string method, double ratio, string code)
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));
        WriteSpec("model.onnx", "dims: { seq: 8 }", "min_cosine: 0.5", $"{method}, ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        AssertRefusedByCheckAndRun($"gac.yaml: error {code}: compress.ratio {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)} asks ASVD to " +
            $"keep");
    }

    [Fact]
    public void A_misspelt_dims_name_is_refused_naming_the_dims_the_model_has()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));
        WriteSpec("model.onnx", "dims: { batch: 1, sequence: 8 }", "min_cosine: 0.5");

        AssertRefusedByCheckAndRun("error GAC0071: calibration.dims names dim 'sequence', which no input of the model has; the model's symbolic dims are " +
            "batch (hidden_states axis 0), seq (hidden_states axis 1).");
    }

    [Fact]
    public void An_unbound_dim_other_than_batch_is_refused_and_batch_alone_defaults_to_1()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));
        WriteSpec("model.onnx", "samples: 2", "min_cosine: 0.5");

        AssertRefusedByCheckAndRun("error GAC4005: calibration.dims gives no value for dim 'seq'");
        Assert.DoesNotContain("'batch'", CliRun.InDirectory(_folder.Path, "check", "gac.yaml").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_dims_are_refused_before_anything_is_allocated()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));
        WriteSpec("model.onnx", "dims: { seq: 100000000 }", "min_cosine: 0.5");

        AssertRefusedByCheckAndRun("error GAC0073: calibration.dims makes input 'hidden_states' [1, 100000000, 64] hold 6.4e9 elements");
    }

    [Fact]
    public void An_oversized_bench_shape_is_refused_with_its_code()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));

        var bench = CliRun.InDirectory(_folder.Path, "bench", "model.onnx", "--provider", "cpu", "--shape", "batch=1,seq=99999999999", "--iterations", "1");

        Assert.Equal(2, bench.ExitCode);
        Assert.Contains("error GAC0073: Input 'hidden_states' of shape [1, 99999999999, 64]", bench.Error, StringComparison.Ordinal);
        Assert.True(bench.HasNoStackTrace, bench.Error);
    }

    [Fact]
    public void An_oversized_profile_shape_is_refused_at_once()
    {
        var profile = CliRun.InDirectory(_folder.Path, "profile", "--shape", "9999999x9999999", "--tokens", "8", "--dims", "8:16:8", "--provider", "cpu");

        Assert.Equal(2, profile.ExitCode);
        Assert.Contains("error GAC0073: GEMM shape '9999999x9999999' has 1e14 weight elements", profile.Error, StringComparison.Ordinal);
        Assert.True(profile.HasNoStackTrace, profile.Error);
    }

    [Fact]
    public void A_misspelt_bench_shape_name_is_refused_naming_the_models_dims()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));

        var bench = CliRun.InDirectory(_folder.Path, "bench", "model.onnx", "--provider", "cpu", "--shape", "batch=1,seq=8,sqe=3", "--iterations", "1");

        Assert.Equal(2, bench.ExitCode);
        Assert.Contains("error GAC0071: Shape bucket 'batch=1,seq=8,sqe=3' names 'sqe', which no input of the model has; its symbolic dims are batch, seq.",
            bench.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_named_as_the_model_is_refused_not_read_forever()
    {
        var audit = CliRun.InDirectory(_folder.Path, "audit", "/dev/zero");

        Assert.Equal(2, audit.ExitCode);
        Assert.Contains("error GAC1002: '/dev/zero' is not a regular file", audit.Error, StringComparison.Ordinal);
        Assert.True(audit.HasNoStackTrace, audit.Error);
    }

    [Theory]
    [InlineData("model_type", "GAC1209")]
    [InlineData("safetensors", "GAC1202")]
    [InlineData("tokens", "GAC1603")]
    public void Check_reads_the_checkpoint_and_token_headers_and_reports_what_run_would_reject(string damage, string code)
    {
        var model = Directory.CreateDirectory(_folder.File("llama")).FullName;
        var config = File.ReadAllText(Path.Combine(TinyLlama, "config.json"));
        File.WriteAllText(Path.Combine(model, "config.json"), damage == "model_type" ? config.Replace("\"llama\"", "\"bert\"", StringComparison.Ordinal)
            : config);
        if (damage == "safetensors")
        {
            File.WriteAllBytes(Path.Combine(model, "model.safetensors"), [.. BitConverter.GetBytes(40L),
                .. "{not json at all, just bytes}         "u8.ToArray()]);
        }
        else
        {
            File.Copy(Path.Combine(TinyLlama, "model.safetensors"), Path.Combine(model, "model.safetensors"));
        }

        File.WriteAllText(_folder.File("text.tokens"), damage == "tokens" ? "5 6 -1 7\n" : string.Join(' ', Enumerable.Range(0, 2000).Select(i => i % 250)));
        WriteSpec("llama", "tokens: text.tokens, dims: { seq: 16 }, samples: 2", "max_perplexity_increase: \"5%\"");

        AssertRefusedByCheckAndRun($"error {code}: ");
    }

    [Fact]
    public void Audit_fails_on_a_short_external_data_file_naming_it_with_the_readers_code()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Storage = WeightStorage.External }, _folder.File("model.onnx"));
        using (var data = File.Open(_folder.File("model.onnx.data"), FileMode.Open))
        {
            data.SetLength(data.Length / 2);
        }

        var audit = CliRun.InDirectory(_folder.Path, "audit", "model.onnx");

        Assert.Equal(2, audit.ExitCode);
        Assert.Contains($"{_folder.File("model.onnx.data")}: error GAC1007: ", audit.Error, StringComparison.Ordinal);
        Assert.True(audit.HasNoStackTrace, audit.Error);
    }

    [Fact]
    public void Audit_reads_a_hugging_face_folder_from_its_config()
    {
        var audit = CliRun.InDirectory(_folder.Path, "audit", TinyLlama, "--format", "json");

        // tiny-llama: 4 blocks of q, k, v, o, gate, up, down (config.json: num_hidden_layers 4).
        Assert.True(audit.ExitCode == 0, audit.Error);
        Assert.Equal(28, System.Text.Json.JsonDocument.Parse(audit.Out).RootElement.GetProperty("layers").GetArrayLength());
    }

    [Fact]
    public void A_matmul_weight_with_a_zero_size_dim_is_refused_with_a_code()
    {
        var graph = new OnnxGraphBuilder("zero");
        var x = graph.Input("x", OnnxDataType.Float, "batch", 4);
        var w = graph.Initializer(OnnxTensorFactory.Floats("w", ReadOnlySpan<float>.Empty, 4, 0));
        var y = graph.Node("MatMul", [x, w], "matmul");
        graph.Output(y, OnnxDataType.Float, "batch", 0);
        OnnxModelWriter.Write(graph.Build(), _folder.File("model.onnx"));
        WriteSpec("model.onnx", "samples: 2", "min_cosine: 0.5");

        foreach (var args in new[] { new[] { "audit", "model.onnx" }, ["check", "gac.yaml"], ["run", "gac.yaml"] })
        {
            var result = CliRun.InDirectory(_folder.Path, args);
            Assert.True(result.ExitCode == 2, $"{args[0]}: exit {result.ExitCode}\n{result.Error}");
            Assert.Matches(@"error GAC\d{4}: ", result.Error);
            Assert.True(result.HasNoStackTrace, result.Error);
        }
    }

    [Fact]
    public void A_float32_npy_fed_to_an_int64_input_is_refused_naming_the_file()
    {
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), _folder.File("model.onnx"));
        var graph = new OnnxGraphBuilder("ids");
        var ids = graph.Input("input_ids", OnnxDataType.Int64, "batch", 4);
        var table = graph.Initializer(OnnxTensorFactory.Floats("embedding", new float[8 * 4], 8, 4));
        var hidden = graph.Node("Gather", [table, ids], "embed");
        var w = graph.Initializer(OnnxTensorFactory.Floats("w", new float[4 * 4], 4, 4));
        var y = graph.Node("MatMul", [hidden, w], "proj");
        graph.Output(y, OnnxDataType.Float, "batch", 4, 4);
        OnnxModelWriter.Write(graph.Build(), _folder.File("ids.onnx"));
        File.WriteAllBytes(_folder.File("ids.npy"), Npy("<f4", [2, 4], new byte[2 * 4 * 4]));
        WriteSpec("ids.onnx", "npy: { input_ids: ids.npy }", "min_cosine: 0.5");

        AssertRefusedByCheckAndRun("ids.npy: error GAC1601: Calibration data does not fit the model: input 'input_ids' takes int64, but 'ids.npy' holds " +
            "float32.");
    }

    /// <summary>A .npy file as numpy.save writes it (NEP 1: magic, version 1.0, header length, dict header padded to 64 bytes).</summary>
    private static byte[] Npy(string descr, long[] shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)},), }}";
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(padded.Length & 0xff), (byte)(padded.Length >> 8)]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(padded));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private void WriteSpec(string model, string calibration, string gate, string compress = "asvd, ratio: 0.15")
        => File.WriteAllText(_folder.File("gac.yaml"), $$"""
            version: 1
            model: { path: "{{model}}" }
            calibration: { {{calibration}} }
            compress: { method: {{compress}} }
            export: { path: out/model.gac.onnx }
            validation: { provider: cpu, warmup: 1, iterations: 2, heldout_samples: 2 }
            gate: { {{gate}} }
            """);

    private void AssertRefusedByCheckAndRun(string expected)
    {
        foreach (var command in new[] { "check", "run" })
        {
            var result = CliRun.InDirectory(_folder.Path, command, "gac.yaml");
            Assert.True(result.ExitCode == 2, $"{command}: exit {result.ExitCode}\n{result.Error}");
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
            Assert.True(result.HasNoStackTrace, result.Error);
        }

        Assert.False(Directory.Exists(_folder.File("out")), "run wrote output for a spec it refused");
    }
}
