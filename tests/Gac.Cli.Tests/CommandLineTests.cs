using System.CommandLine;
using System.Text.Json;
using Gac.Cli.Hosting;

namespace Gac.Cli.Tests;

/// <summary>
/// The command line as System.CommandLine parses it: every command's mistakes are GAC9002 and exit 2
/// (in text and in --format json), the help is generated from the same definitions the parser uses,
/// and the token CliApp is given is the one the pipeline runs with.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IReadOnlyList<GacCommand> Commands => CliApp.CreateCommands(new CliHost(TextWriter.Null, TextWriter.Null, "."));

    public static TheoryData<string> CommandNames() => new(Commands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void An_unknown_option_is_GAC9002_exit_2_in_text_and_in_json(string command)
    {
        var text = CliRun.InDirectory(_folder.Path, command, "--no-such-option");
        var json = CliRun.InDirectory(_folder.Path, command, "--no-such-option", "--format", "json");

        Assert.Equal(2, text.ExitCode);
        Assert.Contains($"gac-build: error GAC9002: '{command}' has no option --no-such-option.", text.Error, StringComparison.Ordinal);
        Assert.True(text.HasNoStackTrace, text.Error);
        Assert.Equal(string.Empty, text.Out);
        Assert.Equal(2, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("GAC9002", document.RootElement.GetProperty("code").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("--no-such-option", document.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Command_help_lists_every_option_and_argument_the_command_parses(string name)
    {
        var command = Commands.Single(c => c.Name == name);

        var run = CliRun.Invoke(name, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"gac-build {name}", run.Out, StringComparison.Ordinal);
        Assert.Contains(command.Description!, run.Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEmpty(command.Options);
        foreach (var option in command.Options)
        {
            Assert.Contains(option.Name, run.Out, StringComparison.Ordinal);
        }

        foreach (var argument in command.Arguments)
        {
            Assert.Contains($"<{argument.Name}>", run.Out, StringComparison.Ordinal);
        }

        Assert.Contains("--format", run.Out, StringComparison.Ordinal);
        Assert.Contains("--help", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("synth", "out.onnx", "--hidden", "zero", "option --hidden expects a whole number between 1 and 65536, found 'zero'.")]
    [InlineData("synth", "out.onnx", "--mlp", "swish", "--mlp expects swiglu, gelu or relu, found 'swish'.")]
    [InlineData("run", "gac.yaml", "--provider", "gpu", "--provider expects auto, cuda or cpu, found 'gpu'.")]
    [InlineData("compare", "a.json", "b.json", "--format", "yaml", "--format expects 'text', 'json' or 'markdown', found 'yaml'.")]
    [InlineData("run", "gac.yaml", "--progress=yes", "option --progress is a flag and takes no value.")]
    [InlineData("run", "gac.yaml", "extra.yaml", "'run' takes 1 argument(s); unexpected 'extra.yaml'.")]
    [InlineData("audit", "m.onnx", "--fail-below", "101", "option --fail-below expects a number between 0 and 100, found '101'.")]
    public void A_bad_value_is_refused_while_parsing_before_any_file_is_read(params string[] argsAndMessage)
    {
        var run = CliRun.InDirectory(_folder.Path, argsAndMessage[..^1]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"gac-build: error GAC9002: {argsAndMessage[^1]}", run.Error.Trim());
    }

    [Fact]
    public void A_missing_argument_names_it_with_its_description()
    {
        var run = CliRun.Invoke("check");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9002: 'check' needs the argument <spec>: The gac.yaml to validate.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_tool_version()
    {
        var run = CliRun.Invoke("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(CliApp.Version, run.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", CliApp.Version);
    }

    [Fact]
    public void A_response_file_is_not_expanded_an_at_sign_stays_part_of_the_value()
    {
        File.WriteAllText(_folder.File("codes.rsp"), "GAC0010");

        var run = CliRun.InDirectory(_folder.Path, "explain", "@codes.rsp");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'@codes.rsp' is not a known diagnostic code", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_given_to_the_cli_cancels_the_pipeline_with_GAC0050_and_nothing_published()
    {
        Assert.Equal(0, CliRun.InDirectory(_folder.Path, "synth", "model.onnx", "--hidden", "64", "--heads", "4", "--intermediate", "160", "--blocks", "2").ExitCode);
        File.WriteAllText(_folder.File("gac.yaml"), """
            version: 1
            model: { path: model.onnx }
            calibration: { samples: 2, dims: { batch: 1, seq: 16 } }
            compress: { method: svd, ratio: 0.3 }
            export: { path: out/model.gac.onnx }
            validation: { provider: cpu, warmup: 1, iterations: 1000000, heldout_samples: 2 }
            gate: { min_cosine: 0.1 }
            """);
        using var cancellation = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new CancelOnLine("latency]", cancellation);

        // Cancelled once validation starts timing: a million iterations would run for hours if the token
        // did not reach the pipeline, so the wait is bounded and a token that is dropped fails the test.
        var code = await CliApp.RunAsync(["run", "gac.yaml", "--progress"], stdout, stderr, _folder.Path, cancellation.Token)
            .WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(cancellation.IsCancellationRequested, stderr.ToString());
        Assert.Equal(130, code);
        Assert.Contains("error GAC0050", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("out/model.gac.onnx")));
    }

    [Theory]
    [InlineData("bench", "model.onnx", "--provider", "cpu", "--shape", "batch=1,seq=8", "--warmup", "0", "--iterations", "1000000")]
    [InlineData("profile", "--shape", "64x64", "--tokens", "8", "--dims", "8:64:8", "--provider", "cpu", "--iterations", "1000000")]
    public void Bench_and_profile_measure_with_the_token_given_to_the_cli(params string[] args)
    {
        Assert.Equal(0, CliRun.InDirectory(_folder.Path, "synth", "model.onnx").ExitCode);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = CliApp.Run(args, stdout, stderr, _folder.Path, cancellation.Token);

        Assert.Equal(130, code);
        Assert.Contains("error GAC0050", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("profile.json")), "a cancelled profile wrote its staircase");
    }

    /// <summary>Stderr that cancels the run when a progress line containing <paramref name="marker"/> is written.</summary>
    private sealed class CancelOnLine(string marker, CancellationTokenSource source) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                source.Cancel();
            }
        }
    }
}
