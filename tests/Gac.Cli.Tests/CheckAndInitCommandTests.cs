using System.Text.Json;
using System.Text.RegularExpressions;
using Gac.Onnx.Synthetic;

namespace Gac.Cli.Tests;

public sealed partial class CheckAndInitCommandTests
{
    /// <summary>The broken specs of the spec loader's tests; each starts with "# expect: GAC0xxx at line L".</summary>
    public static TheoryData<string> BrokenSpecs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.Path("tests", "Gac.Core.Tests", "Spec", "Broken"), "*.yaml")
            .Order(StringComparer.Ordinal))
        {
            data.Add(System.IO.Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenSpecs))]
    public void Broken_spec_exits_2_with_its_code_and_line_and_no_stack_trace(string name)
    {
        var folder = RepositoryFiles.Path("tests", "Gac.Core.Tests", "Spec", "Broken");
        var expectation = Expectation().Match(File.ReadLines(System.IO.Path.Combine(folder, name)).First());
        Assert.True(expectation.Success, $"{name} lacks its '# expect:' header");

        var run = CliRun.InDirectory(folder, "check", name);

        Assert.Equal(2, run.ExitCode);
        var code = expectation.Groups["code"].Value;
        var line = expectation.Groups["line"].Value;
        Assert.Matches($@"(?m)^{Regex.Escape(name)}\({line}(,\d+)?\): error {code}: ", run.Error);
        Assert.True(run.HasNoStackTrace, run.Error);
    }

    [Fact]
    public void Init_writes_a_starter_spec_that_check_accepts()
    {
        using var folder = new TempFolder();
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("model.onnx"));

        var init = CliRun.InDirectory(folder.Path, "init");
        var check = CliRun.InDirectory(folder.Path, "check", "gac.yaml");

        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(folder.File("gac.yaml.schema.json")));
        Assert.StartsWith("# yaml-language-server: $schema=gac.yaml.schema.json", File.ReadAllText(folder.File("gac.yaml")), StringComparison.Ordinal);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("gac.yaml: OK", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_never_overwrites_an_existing_spec_without_force()
    {
        using var folder = new TempFolder();
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("model.onnx"));
        File.WriteAllText(folder.File("gac.yaml"), "mine");

        var run = CliRun.InDirectory(folder.Path, "init");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("mine", File.ReadAllText(folder.File("gac.yaml")));
        Assert.Equal(0, CliRun.InDirectory(folder.Path, "init", "--force").ExitCode);
    }

    [Fact]
    public void Init_with_two_models_asks_which_one()
    {
        using var folder = new TempFolder();
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("a.onnx"));
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("b.onnx"));

        var run = CliRun.InDirectory(folder.Path, "init");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--model", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_json_lists_the_files_the_spec_reads_and_writes()
    {
        using var folder = new TempFolder();
        SyntheticTransformer.Write(new SyntheticTransformerOptions { Storage = WeightStorage.External }, folder.File("model.onnx"));
        Assert.Equal(0, CliRun.InDirectory(folder.Path, "init", "--export", "dist/small.onnx").ExitCode);

        var run = CliRun.InDirectory(folder.Path, "check", "gac.yaml", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(folder.File("gac.yaml"), inputs);
        Assert.Contains(folder.File("model.onnx"), inputs);
        Assert.Contains(folder.File("model.onnx.data"), inputs);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(System.IO.Path.Combine(folder.Path, "dist", "small.onnx"), outputs);
    }

    [Fact]
    public void Check_json_of_a_broken_spec_carries_the_diagnostics()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("gac.yaml"), "version: 1\nmodel:\n  path: nothere.onnx\n");

        var run = CliRun.InDirectory(folder.Path, "check", "gac.yaml", "--format", "json");

        Assert.Equal(2, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.NotEmpty(json.RootElement.GetProperty("diagnostics").EnumerateArray());
    }

    [GeneratedRegex(@"^# expect: (?<code>GAC\d{4}) at line (?<line>\d+)")]
    private static partial Regex Expectation();
}
