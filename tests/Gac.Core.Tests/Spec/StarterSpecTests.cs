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
        Assert.StartsWith("# yaml-language-server: $schema=https://example.org/s.json\n", StarterSpec.Render("m.onnx", "o.onnx", "https://example.org/s.json"), StringComparison.Ordinal);
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
    public void Starter_spec_with_a_missing_model_reports_only_that()
    {
        _workspace.WriteSpec(StarterSpec.Render("missing.onnx", "out/model.gac.onnx"));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Equal("GAC0020", Assert.Single(result.Diagnostics).Code);
    }
}
