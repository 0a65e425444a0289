using System.Text.Json;

namespace Gac.Cli.Tests;

/// <summary>With --format json every command prints a JSON error object on stdout when it fails, not nothing.</summary>
public sealed class JsonFailureTests
{
    public static TheoryData<string[]> FailingInvocations() => new()
    {
        { ["run", "missing.yaml", "--format", "json"] },
        { ["check", "missing.yaml", "--format", "json"] },
        { ["plan", "missing.yaml", "--format", "json"] },
        { ["audit", "missing.onnx", "--format", "json"] },
        { ["bench", "missing.onnx", "--format", "json"] },
        { ["profile", "--shape", "0x0", "--format", "json"] },
        { ["compare", "missing.json", "other.json", "--format", "json"] },
        { ["explain", "GAC0000", "--format", "json"] },
        { ["init", "--model", "missing.onnx", "--format", "json"] },
        { ["synth", "out.onnx", "--hidden", "zero", "--format", "json"] },
        { ["run", "missing.yaml", "--no-such-option", "--format", "json"] },
    };

    [Theory]
    [MemberData(nameof(FailingInvocations))]
    public void A_failing_command_prints_a_json_error_object_with_code_message_and_file(string[] args)
    {
        using var folder = new TempFolder();

        var run = CliRun.InDirectory(folder.Path, args);

        Assert.Equal(2, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Matches("^GAC[0-9]{4}$", root.GetProperty("code").GetString()!);
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("message").GetString()));
        Assert.True(root.GetProperty("diagnostics").GetArrayLength() >= 1);
        Assert.Contains(root.GetProperty("code").GetString()!, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_error_names_the_file_and_line_when_the_diagnostic_has_them()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("m.onnx"), string.Empty);
        File.WriteAllText(folder.File("gac.yaml"), "version: 1\nmodel: { path: m.onnx }\ncompress: { method: asvd, ratio: 0.15 }\nexport: { path: " +
            "out/m.onnx, dtyp: fp16 }\n");

        var run = CliRun.InDirectory(folder.Path, "run", "gac.yaml", "--format", "json");

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("GAC0010", json.RootElement.GetProperty("code").GetString());
        Assert.EndsWith("gac.yaml", json.RootElement.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, json.RootElement.GetProperty("line").GetInt32());
    }
}
