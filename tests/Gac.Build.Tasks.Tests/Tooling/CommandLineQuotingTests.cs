using Gac.Build.Tasks.Tooling;

namespace Gac.Build.Tasks.Tests.Tooling;

public sealed class CommandLineQuotingTests
{
    [Theory]
    [InlineData("run", "run")]
    [InlineData("/repo/gac.yaml", "/repo/gac.yaml")]
    [InlineData("/my models/gac.yaml", "\"/my models/gac.yaml\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\my dir\\", "\"C:\\my dir\\\\\"")]
    public void Arguments_are_quoted_by_the_rules_dotnet_uses_to_split_them(string argument, string expected)
    {
        Assert.Equal(expected, CommandLineQuoting.Quote(argument));
    }

    [Fact]
    public void Arguments_with_spaces_reach_the_process_unchanged()
    {
        // The round trip through a real process is the specification: .NET splits Arguments with the same rules.
        string[] arguments = ["run", "/my models/gac.yaml", "--output", "out dir/a \"b\".onnx", "trailing\\"];
        // printf '%s<newline>' prints each argument it received on its own line.
        var start = new System.Diagnostics.ProcessStartInfo("printf", CommandLineQuoting.Join(["%s\n", .. arguments]))
        {
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var received = process.StandardOutput.ReadToEnd().TrimEnd('\n').Split('\n');
        process.WaitForExit();

        Assert.Equal(arguments, received);
    }
}
