using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

public sealed class GacSpecLoaderTests : IDisposable
{
    private const string Minimal = """
        version: 1
        model:
          path: model.onnx
        compress:
          method: asvd
          ratio: 0.15
        export:
          path: out/model.gac.onnx
        """;

    private readonly SpecWorkspace _workspace = new();

    public GacSpecLoaderTests()
    {
        _workspace.File("model.onnx");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Full_spec_round_trips_into_records_with_every_path_absolute()
    {
        _workspace.File("data/x.npy");
        _workspace.File("profiles/my-gpu.json", "{}");
        _workspace.Folder("ort-gpu");
        _workspace.WriteSpec("""
            version: 1
            model:
              path: model.onnx
              format: onnx
            calibration:
              samples: 8
              seed: 7
              npy: { x: data/x.npy }
              dims: { batch: 2, seq: 64 }
            compress:
              method: asvd
              ratio: 0.25
              asvd: { alpha: 0.75, allocation: output-error }
            alignment:
              strategy: round-nearest
              profile: my-gpu
              multiple: 16
              window: 6
              objective: paper
              profiles:
                - { name: my-gpu, multiple: 8, preferred_multiple: 64, head_dim_multiple: 8, sm_count: 132, staircase: profiles/my-gpu.json }
            export:
              path: out/model.gac.onnx
              dtype: fp16
              opset: 18
              external_data: always
            validation:
              provider: cuda
              ort_native_path: ort-gpu
              shapes: [ { batch: 1, seq: 128 }, { batch: 4, seq: 128 } ]
              warmup: 3
              iterations: 50
              heldout_samples: 4
            gate:
              min_speedup_vs_original: 1.20
              min_speedup_vs_unaligned: "5%"
              max_p50_latency_ms: 50
              max_relative_error: 0.05
              min_cosine: 0.99
              min_aligned_percent: 100
              max_parameters: 1000000
            report:
              directory: reports
              formats: [json, junit, plot]
            """);

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        string At(string relative) => Path.Combine(_workspace.Root, relative);
        Assert.Equal(new SpecPath(_workspace.SpecPath, _workspace.SpecPath), spec.File);
        Assert.Equal(1, spec.Version);
        Assert.Equal(new ModelSpec(new SpecPath("model.onnx", At("model.onnx")), ModelFormat.Onnx, ModelFormat.Onnx), spec.Model);

        Assert.Equal((8, 7, CalibrationSource.Npy, (SpecPath?)null), (spec.Calibration.Samples, spec.Calibration.Seed, spec.Calibration.Source,
            spec.Calibration.Tokens));
        Assert.Equal(new SpecPath("data/x.npy", At("data/x.npy")), Assert.Single(spec.Calibration.Npy, kv => kv.Key == "x").Value);
        Assert.Empty(spec.Calibration.Inputs);
        Assert.Equal([new("batch", 2L), new("seq", 64L)], spec.Calibration.Dims.OrderBy(kv => kv.Key));

        Assert.Equal(CompressionMethod.Asvd, spec.Compress.Method);
        Assert.Equal(0.25, spec.Compress.Ratio);
        Assert.Equal(new AsvdOptions(0.75, RankAllocation.OutputError), spec.Compress.Asvd);

        var alignment = spec.Alignment;
        Assert.Equal((AlignmentStrategy.RoundNearest, "my-gpu", 16, 6, AlignmentObjective.Paper), (alignment.Strategy, alignment.ProfileName,
            alignment.MultipleOverride, alignment.Window, alignment.Objective));
        Assert.Equal((16, 64, 8, 132), (alignment.Profile.Multiple, alignment.Profile.PreferredMultiple, alignment.Profile.HeadDimMultiple,
            alignment.Profile.SmCount));
        Assert.Equal(new SpecPath("profiles/my-gpu.json", At("profiles/my-gpu.json")), alignment.Staircase);
        var user = Assert.Single(alignment.UserProfiles);
        Assert.Equal(("my-gpu", "fp16", 8, 64, 21), (user.Name, user.DType, user.Multiple, user.PreferredMultiple, user.Line));

        Assert.Equal(new ExportSpec(new SpecPath("out/model.gac.onnx", At("out/model.gac.onnx")), ExportDType.Fp16, 18, ExternalDataMode.Always), spec.Export);

        var validation = spec.Validation;
        Assert.Equal((ExecutionProviderChoice.Cuda, 3, 50, 4), (validation.Provider, validation.Warmup, validation.Iterations, validation.HeldoutSamples));
        Assert.Equal(new SpecPath("ort-gpu", At("ort-gpu")), validation.OrtNativePath);
        Assert.Equal([1L, 4L], validation.Shapes.Select(s => s["batch"]));

        var gate = spec.Gate;
        Assert.Equal(Gac.Core.Gate.Threshold.Absolute(1.2), gate.MinSpeedupVsOriginal);
        Assert.Equal(Gac.Core.Gate.Threshold.Percent(5), gate.MinSpeedupVsUnaligned);
        Assert.Equal((50.0, 0.05, 0.99, 100.0, 1_000_000L), (gate.MaxP50LatencyMs!.Value, gate.MaxRelativeError!.Value, gate.MinCosine!.Value,
            gate.MinAlignedPercent!.Value, gate.MaxParameters!.Value));
        Assert.Null(gate.MaxPerplexityIncrease);

        Assert.Equal(new SpecPath("reports", At("reports")), spec.Report.Directory);
        Assert.Equal([ReportFormat.Json, ReportFormat.Junit, ReportFormat.Plot], spec.Report.Formats);
    }

    [Fact]
    public void Minimal_spec_gets_the_schema_defaults()
    {
        _workspace.WriteSpec(Minimal);

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Empty(result.Diagnostics);
        var spec = result.Spec!;
        Assert.Equal((ModelFormat.Onnx, ModelFormat.Auto), (spec.Model.Format, spec.Model.DeclaredFormat));
        Assert.Equal((32, 1234, CalibrationSource.Generated), (spec.Calibration.Samples, spec.Calibration.Seed, spec.Calibration.Source));
        Assert.Empty(spec.Calibration.Dims);
        Assert.Equal(new AsvdOptions(0.5, RankAllocation.Spectrum), spec.Compress.Asvd);
        Assert.Equal([PruneTarget.Mlp, PruneTarget.Heads], spec.Compress.Prune.Targets);
        Assert.Equal((0, 0), (spec.Compress.Prune.KeepFirstBlocks, spec.Compress.Prune.KeepLastBlocks));
        Assert.Equal((AlignmentStrategy.Gac, "generic-8", 4, AlignmentObjective.Auto), (spec.Alignment.Strategy, spec.Alignment.ProfileName,
            spec.Alignment.Window, spec.Alignment.Objective));
        Assert.Same(BuiltInProfiles.Generic8, spec.Alignment.Profile);
        Assert.Null(spec.Alignment.MultipleOverride);
        Assert.Equal((ExportDType.Auto, 17, ExternalDataMode.Auto), (spec.Export.DType, spec.Export.Opset, spec.Export.ExternalData));
        Assert.Equal((ExecutionProviderChoice.Auto, 10, 100, 16), (spec.Validation.Provider, spec.Validation.Warmup, spec.Validation.Iterations,
            spec.Validation.HeldoutSamples));
        Assert.Null(spec.Validation.OrtNativePath);
        Assert.Empty(Assert.Single(spec.Validation.Shapes));
        Assert.True(spec.Gate.IsEmpty);
        Assert.Equal(new SpecPath("out", Path.Combine(_workspace.Root, "out")), spec.Report.Directory);
        Assert.Equal([ReportFormat.Json, ReportFormat.Markdown], spec.Report.Formats);
    }

    [Fact]
    public void Validation_shapes_default_to_the_calibration_dims()
    {
        _workspace.WriteSpec(Minimal + "\ncalibration:\n  dims: { batch: 1, seq: 128 }\n");

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(128L, Assert.Single(spec.Validation.Shapes)["seq"]);
    }

    [Fact]
    public void Folder_with_config_and_safetensors_is_a_hugging_face_model()
    {
        _workspace.File("llama/config.json", "{}");
        _workspace.File("llama/model.safetensors");
        _workspace.WriteSpec(Minimal.Replace("path: model.onnx", "path: llama", StringComparison.Ordinal));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(ModelFormat.HfSafetensors, spec.Model.Format);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_spec_folder_not_the_current_directory()
    {
        var nested = _workspace.Folder("configs");
        _workspace.File("configs/model.onnx");
        var specPath = Path.Combine(nested, "gac.yaml");
        File.WriteAllText(specPath, Minimal);

        var spec = GacSpecLoader.Load(specPath);

        Assert.Equal(Path.Combine(nested, "model.onnx"), spec.Model.Path.FullPath);
        Assert.Equal("model.onnx", spec.Model.Path.Text);
    }

    [Fact]
    public void Load_reports_every_error_not_just_the_first()
    {
        _workspace.WriteSpec("""
            version: 1
            model:
              path: model.onnx
            compress:
              method: asvd
              ratio: 2
            alignment:
              window: 100
              strategy: best
            export:
              path: out/model.gac.onnx
              opset: 5
            """);

        var ex = Assert.Throws<GacException>(() => GacSpecLoader.Load(_workspace.SpecPath));

        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.Equal(
            [("GAC0012", 6), ("GAC0012", 8), ("GAC0013", 9), ("GAC0012", 12)],
            ex.Diagnostics.Select(d => (d.Code, d.Location!.Line)));
    }

    [Fact]
    public void Diagnostics_name_the_spec_file_as_the_user_gave_it()
    {
        var result = GacSpecLoader.Parse("version: 3\n", "configs/gac.yaml");

        Assert.Contains(result.Diagnostics, d => d.ToCanonicalString().StartsWith("configs/gac.yaml(1,10): error GAC0015: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_key_suggests_the_closest_allowed_key_and_lists_them()
    {
        var result = GacSpecLoader.Parse(Minimal.Replace("ratio:", "raito:", StringComparison.Ordinal), _workspace.SpecPath);

        var unknown = Assert.Single(result.Errors, d => d.Code == "GAC0010");
        Assert.Contains("Did you mean 'ratio'?", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Allowed keys here: method, ratio, asvd, prune.", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_cuda_graph_defaults_to_off_and_binds_when_set()
    {
        Assert.False(Parse(Minimal).Validation.CudaGraph);
        Assert.True(Parse(Minimal + "\nvalidation:\n  cuda_graph: true\n").Validation.CudaGraph);
    }

    [Fact]
    public void Export_dtype_bf16_loads_as_bf16()
    {
        var result = GacSpecLoader.Parse(Minimal + "\n  dtype: bf16\n", _workspace.SpecPath);

        Assert.Empty(result.Errors);
        Assert.Equal(ExportDType.Bf16, result.Spec!.Export.DType);
    }

    [Fact]
    public void Value_not_allowed_lists_the_allowed_values_and_suggests_one()
    {
        var result = GacSpecLoader.Parse(Minimal + "\nalignment:\n  strategy: round_up\n", _workspace.SpecPath);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("GAC0013", 10, 13), (error.Code, error.Location!.Line, error.Location.Column));
        Assert.Contains("gac, round-up, round-nearest, round-down, none", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'round-up'?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_relative_error: fast", "expects a number, but found the text 'fast'")]
    [InlineData("max_parameters: 1.5", "expects a whole number, but found the number 1.5")]
    [InlineData("min_cosine: [0.9]", "expects a number, but found a list")]
    public void Wrong_type_says_what_was_expected_and_what_was_found(string line, string expected)
    {
        var result = GacSpecLoader.Parse(Minimal + "\ngate:\n  " + line + "\n", _workspace.SpecPath);

        var error = Assert.Single(result.Errors);
        Assert.Equal("GAC0011", error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"20%\"", 1.2)]
    [InlineData("\"-5%\"", 0.95)]
    [InlineData("1.5", 1.5)]
    [InlineData("2", 2.0)]
    public void Speedup_thresholds_accept_a_factor_or_a_percent(string written, double factor)
    {
        var spec = Parse(Minimal + "\ngate:\n  min_speedup_vs_original: " + written + "\n");

        // Tolerance: the percent form goes through one division by 100.
        Assert.Equal(factor, spec.Gate.MinSpeedupVsOriginal!.AsSpeedupFactor(), 12);
    }

    [Fact]
    public void Perplexity_increase_is_absolute_as_a_number_and_relative_as_a_percent()
    {
        _workspace.File("tokens.txt", "1 2 3");
        var relative = Parse(Minimal + "\ncalibration: { tokens: tokens.txt }\ngate:\n  max_perplexity_increase: \"5%\"\n");
        var absolute = Parse(Minimal + "\ncalibration: { tokens: tokens.txt }\ngate:\n  max_perplexity_increase: 0.5\n");

        Assert.Equal(CalibrationSource.Tokens, relative.Calibration.Source);
        Assert.Equal(1.0, relative.Gate.MaxPerplexityIncrease!.AllowedIncrease(20.0), 12);
        Assert.Equal(0.5, absolute.Gate.MaxPerplexityIncrease!.AllowedIncrease(20.0), 12);
    }

    [Fact]
    public void A_section_with_every_line_commented_out_counts_as_empty()
    {
        var spec = Parse(Minimal + "\ngate:\n  # min_cosine: 0.99\nvalidation:\n");

        Assert.True(spec.Gate.IsEmpty);
        Assert.Equal(100, spec.Validation.Iterations);
    }

    [Fact]
    public void Method_none_needs_no_ratio_and_options_of_other_methods_only_warn()
    {
        var result = GacSpecLoader.Parse(
            Minimal.Replace("method: asvd\n  ratio: 0.15", "method: none\n  prune: { keep_first_blocks: 1 }", StringComparison.Ordinal),
            _workspace.SpecPath);

        Assert.True(result.Succeeded);
        Assert.Equal(0.0, result.Spec!.Compress.Ratio);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("GAC0030", 6), (warning.Code, warning.Location!.Line));
    }

    [Fact]
    public void Export_opset_for_an_onnx_model_warns_that_the_model_keeps_its_own()
    {
        var result = GacSpecLoader.Parse(Minimal + "\n  opset: 18\n", _workspace.SpecPath);

        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("GAC0030", 9), (warning.Code, warning.Location!.Line));
        Assert.Contains("export.opset is ignored", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_opset_for_a_hugging_face_folder_is_used_without_a_warning()
    {
        _workspace.Folder("hf");
        _workspace.File("hf/config.json", "{}");
        _workspace.File("hf/model.safetensors");
        var result = GacSpecLoader.Parse(Minimal.Replace("path: model.onnx", "path: hf", StringComparison.Ordinal) + "\n  opset: 18\n", _workspace.SpecPath);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Warnings);
        Assert.Equal(18, result.Spec!.Export.Opset);
    }

    [Fact]
    public void Alignment_multiple_overrides_the_built_in_profile()
    {
        var spec = Parse(Minimal + "\nalignment:\n  profile: nvidia-ampere-fp16\n  multiple: 16\n");

        Assert.Equal((16, 64, 108), (spec.Alignment.Profile.Multiple, spec.Alignment.Profile.PreferredMultiple, spec.Alignment.Profile.SmCount));
        Assert.Equal(8, BuiltInProfiles.NvidiaAmpereFp16.Multiple);
    }

    [Fact]
    public void Generated_inputs_keep_their_shapes_and_defaults()
    {
        var spec = Parse(Minimal + "\ncalibration:\n  inputs:\n    - { name: pixel_values, shape: [1, 3, 48, 320], min: -1.0, max: 1.0 }\n    - { name: ids, " +
            "shape: [1, 8], dtype: int64, max: 100 }\n");

        Assert.Equal(CalibrationSource.Inputs, spec.Calibration.Source);
        var pixels = spec.Calibration.Inputs[0];
        Assert.Equal(("pixel_values", TensorDType.Float32, -1.0, 1.0), (pixels.Name, pixels.DType, pixels.Min, pixels.Max));
        Assert.Equal([1L, 3L, 48L, 320L], pixels.Shape);
        Assert.Equal((TensorDType.Int64, 0.0, 100.0), (spec.Calibration.Inputs[1].DType, spec.Calibration.Inputs[1].Min, spec.Calibration.Inputs[1].Max));
    }

    [Fact]
    public void Anchors_and_aliases_are_expanded()
    {
        var spec = Parse(Minimal + "\ncalibration:\n  dims: &shape { batch: 1, seq: 32 }\nvalidation:\n  shapes: [*shape]\n");

        Assert.Equal(32L, Assert.Single(spec.Validation.Shapes)["seq"]);
    }

    [Fact]
    public void Yaml_1_1_booleans_stay_text_so_provider_no_is_reported_not_read_as_false()
    {
        var result = GacSpecLoader.Parse(Minimal + "\nvalidation:\n  provider: no\n", _workspace.SpecPath);

        var error = Assert.Single(result.Errors);
        Assert.Equal("GAC0013", error.Code);
        Assert.Contains("'no'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_spec_file_is_GAC0001_with_the_path_as_given()
    {
        var missing = Path.Combine(_workspace.Root, "nope.yaml");

        var ex = Assert.Throws<GacException>(() => GacSpecLoader.Load(missing));

        var error = Assert.Single(ex.Diagnostics);
        Assert.Equal(("GAC0001", missing), (error.Code, error.Location!.File));
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }

    [Fact]
    public void A_folder_given_as_the_spec_is_GAC0001()
    {
        var result = GacSpecLoader.TryLoad(_workspace.Root);

        Assert.Equal("GAC0001", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_GAC0005()
    {
        File.WriteAllBytes(_workspace.SpecPath, [0x76, 0x65, 0x72, 0xC3, 0x28, 0x0A]);

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Equal("GAC0005", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_is_read()
    {
        File.WriteAllText(_workspace.SpecPath, Minimal, new System.Text.UnicodeEncoding(false, true));

        Assert.True(GacSpecLoader.TryLoad(_workspace.SpecPath).Succeeded);
    }

    [Fact]
    public void Every_duplicate_key_is_reported()
    {
        var result = GacSpecLoader.Parse(Minimal + "\nreport: { formats: [json] }\nreport: { formats: [plot] }\nversion: 1\n", _workspace.SpecPath);

        Assert.Equal([10, 11], result.Errors.Where(d => d.Code == "GAC0004").Select(d => d.Location!.Line));
    }

    [Fact]
    public void Deep_nesting_is_reported_instead_of_overflowing_the_stack()
    {
        var deep = new string('[', 1000) + new string(']', 1000);

        var result = GacSpecLoader.Parse(deep, _workspace.SpecPath);

        Assert.Contains(result.Errors, d => d.Code is "GAC0007" or "GAC0003");
    }

    [Fact]
    public void Aliases_that_expand_exponentially_are_refused()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var result = GacSpecLoader.Parse(string.Join("\n", lines), _workspace.SpecPath);

        Assert.Equal("GAC0007", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void User_profile_may_not_take_a_built_in_name_and_preferred_must_be_a_multiple()
    {
        var result = GacSpecLoader.Parse(
            Minimal + "\nalignment:\n  profiles:\n    - { name: generic-8, multiple: 8 }\n    - { name: odd, multiple: 16, preferred_multiple: 8 }\n",
            _workspace.SpecPath);

        Assert.Equal([("GAC0017", 11), ("GAC0023", 12)], result.Errors.Select(d => (d.Code, d.Location!.Line)));
    }

    [Fact]
    public void Model_path_must_be_an_onnx_file_or_a_model_folder()
    {
        _workspace.File("weights.bin");
        _workspace.Folder("empty");

        var file = GacSpecLoader.Parse(Minimal.Replace("model.onnx", "weights.bin", StringComparison.Ordinal), _workspace.SpecPath);
        var folder = GacSpecLoader.Parse(Minimal.Replace("model.onnx", "empty", StringComparison.Ordinal), _workspace.SpecPath);
        var mismatch = GacSpecLoader.Parse(Minimal.Replace("path: model.onnx", "path: model.onnx\n  format: hf-safetensors", StringComparison.Ordinal),
            _workspace.SpecPath);

        Assert.All([file, folder, mismatch], r => Assert.Equal("GAC0021", Assert.Single(r.Errors).Code));
    }

    private GacSpec Parse(string yaml)
    {
        var result = GacSpecLoader.Parse(yaml, _workspace.SpecPath);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Spec!;
    }
}
