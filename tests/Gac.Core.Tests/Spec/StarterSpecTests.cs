using Gac.Core.Spec;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Tests.Spec;

public sealed class StarterSpecTests : IDisposable
{
    private readonly SpecWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Starter_spec_loads_without_any_diagnostic_when_the_model_exists()
    {
        _workspace.File("model.onnx");
        _workspace.WriteSpec(StarterSpec.Render("model.onnx", "out/model.gac.onnx"));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("out/model.gac.onnx", result.Spec!.Export.Path.Text);
        Assert.Equal(CompressionMethod.Asvd, result.Spec.Compress.Method);
    }

    [Fact]
    public void Starter_spec_points_editors_at_the_schema_on_its_first_line()
    {
        var text = StarterSpec.Render("model.onnx", "out/model.gac.onnx");

        Assert.StartsWith("# yaml-language-server: $schema=gac.yaml.schema.json\n", text, StringComparison.Ordinal);
        Assert.StartsWith("# yaml-language-server: $schema=https://example.org/s.json\n", StarterSpec.Render("m.onnx", "o.onnx", "https://example.org/s.json"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Starter_spec_quotes_paths_with_spaces_colons_and_hashes()
    {
        const string awkward = "my models/v2: final #1.onnx";
        _workspace.File(awkward);
        _workspace.WriteSpec(StarterSpec.Render(awkward, "out dir/\"q\".onnx"));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(awkward, spec.Model.Path.Text);
        Assert.Equal("out dir/\"q\".onnx", spec.Export.Path.Text);
    }

    [Fact]
    public void Starter_spec_mentions_every_top_level_section_of_the_schema()
    {
        var text = StarterSpec.Render("model.onnx", "out/model.gac.onnx");

        foreach (var section in ((JObject)JObject.Parse(GacSchema.Text)["properties"]!).Properties().Select(p => p.Name))
        {
            Assert.Contains($"\n{section}:", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Starter_gate_for_a_model_that_is_not_a_language_model_bounds_alignment_and_output_fidelity()
    {
        _workspace.File("model.onnx");
        _workspace.WriteSpec(StarterSpec.Render("model.onnx", "out/model.gac.onnx", new StarterModel(Dims: ["batch", "seq"])));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(new Gac.Core.Gate.GateGoals(MinAlignedPercent: 100, MinCosine: 0.99, MaxRelativeError: 0.1), spec.Gate);
        Assert.Equal(new Dictionary<string, long> { ["batch"] = 1, ["seq"] = 128 }, spec.Calibration.Dims);
    }

    [Fact]
    public void Starter_sets_an_opset_only_for_a_hugging_face_folder_so_neither_starter_warns()
    {
        _workspace.File("model.onnx");
        _workspace.WriteSpec(StarterSpec.Render("model.onnx", "out/model.gac.onnx"));
        var onnx = GacSpecLoader.Parse(File.ReadAllText(_workspace.SpecPath), _workspace.SpecPath);
        _workspace.Folder("llm");
        _workspace.File("llm/config.json", "{}");
        _workspace.File("llm/model.safetensors");
        _workspace.WriteSpec(StarterSpec.Render("llm", "out/llm.gac.onnx"));
        var folder = GacSpecLoader.Parse(File.ReadAllText(_workspace.SpecPath), _workspace.SpecPath);

        Assert.Empty(onnx.Warnings);
        Assert.Empty(folder.Warnings);
        Assert.Equal(17, folder.Spec!.Export.Opset);
        Assert.DoesNotContain("\n  opset:", StarterSpec.Render("model.onnx", "out/model.gac.onnx"), StringComparison.Ordinal);
    }

    [Fact]
    public void Starter_gate_for_a_language_model_with_token_ids_bounds_held_out_perplexity()
    {
        _workspace.Folder("llm");
        _workspace.File("llm/config.json", "{}");
        _workspace.File("llm/model.safetensors");
        _workspace.File("text.tokens", "1 2 3");
        _workspace.WriteSpec(StarterSpec.Render("llm", "out/llm.gac.onnx", new StarterModel(IsLanguageModel: true, TokensPath: "text.tokens", Dims: ["batch",
            "seq"])));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(Gac.Core.Gate.Threshold.Percent(5), spec.Gate.MaxPerplexityIncrease);
        Assert.Equal(100, spec.Gate.MinAlignedPercent);
        Assert.Null(spec.Gate.MinSpeedupVsUnaligned);
        Assert.Equal(CalibrationSource.Tokens, spec.Calibration.Source);
    }

    [Fact]
    public void Starter_gate_on_a_gpu_requires_gac_not_slower_than_unaligned_judged_on_the_confidence_interval()
    {
        _workspace.File("model.onnx");
        _workspace.WriteSpec(StarterSpec.Render("model.onnx", "out/model.gac.onnx", new StarterModel(Provider: ExecutionProviderChoice.Cuda)));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(ExecutionProviderChoice.Cuda, spec.Validation.Provider);
        Assert.Equal(Gac.Core.Gate.Threshold.Absolute(1.0), spec.Gate.MinSpeedupVsUnaligned);
        Assert.Equal(Gac.Core.Gate.SpeedupEvidence.CiUpper, spec.Gate.SpeedupJudgedOn);
    }

    [Fact]
    public void Starter_gate_is_never_empty()
    {
        _workspace.File("model.onnx");
        foreach (var model in new[] { new StarterModel(), new StarterModel(IsLanguageModel: true), new StarterModel(Provider: ExecutionProviderChoice.Cpu) })
        {
            _workspace.WriteSpec(StarterSpec.Render("model.onnx", "out/model.gac.onnx", model));

            Assert.False(GacSpecLoader.Load(_workspace.SpecPath).Gate.IsEmpty);
        }
    }

    [Fact]
    public void Starter_spec_with_a_missing_model_reports_only_that()
    {
        _workspace.WriteSpec(StarterSpec.Render("missing.onnx", "out/model.gac.onnx"));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Equal("GAC0020", Assert.Single(result.Diagnostics).Code);
    }
}
