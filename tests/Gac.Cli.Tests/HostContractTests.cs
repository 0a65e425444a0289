namespace Gac.Cli.Tests;

public sealed class HostContractTests
{
    [Fact]
    public void Unknown_command_is_bad_input_with_GAC9001()
    {
        var run = CliRun.Invoke("compresss", "x.yaml");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9001", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
    }

    [Fact]
    public void Unknown_option_suggests_the_nearest_one()
    {
        var run = CliRun.Invoke("explain", "--markdwn");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("GAC9002", run.Error, StringComparison.Ordinal);
        Assert.Contains("Did you mean '--markdown'?", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_format_value_is_bad_input()
    {
        var run = CliRun.Invoke("explain", "--format", "xml");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--format expects 'text' or 'json'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_missing_its_value_is_bad_input()
    {
        var run = CliRun.Invoke("explain", "--format");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs a value", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_command_and_exits_zero()
    {
        var run = CliRun.Invoke("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in CliApp.CreateCommands(new Hosting.CliHost(TextWriter.Null, TextWriter.Null, ".")))
        {
            Assert.Contains(command.Name, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_arguments_prints_help_and_is_bad_input()
    {
        var run = CliRun.Invoke();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("gac-build [command] [options]", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_prints_cause_and_fix_of_a_known_code()
    {
        var run = CliRun.Invoke("explain", "gac9002");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("GAC9002", run.Out, StringComparison.Ordinal);
        Assert.Contains("cause:", run.Out, StringComparison.Ordinal);
        Assert.Contains("fix:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_json_is_machine_readable()
    {
        var run = CliRun.Invoke("explain", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(run.Out);
        Assert.Contains(document.RootElement.EnumerateArray(), e => e.GetProperty("code").GetString() == "GAC9999");
    }

    [Fact]
    public void A_repeated_option_is_bad_input_instead_of_silently_keeping_the_last()
    {
        var run = CliRun.Invoke("explain", "--format", "json", "--format", "text");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("given twice", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_disk_is_a_diagnostic_not_a_stack_trace()
    {
        // /dev/full fails every write with ENOSPC, as a full disk does: the kernel's error, not one we raise.
        var full = new StreamWriter(new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1)) { AutoFlush = true };
        using var stderr = new StringWriter();

        var exitCode = CliApp.Run(["explain", "--markdown"], full, stderr);
        try
        {
            full.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes what the failed write left in the writer's buffer: the "disk" is still full.
        }

        Assert.Equal(2, exitCode);
        Assert.Contains("error GAC9010", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("file system failure", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
