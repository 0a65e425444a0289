using Gac.Build.Tasks.Tooling;

namespace Gac.Build.Tasks.Tests.Tooling;

public sealed class GacToolCommandTests
{
    private const string Dotnet = "/usr/share/dotnet/dotnet";
    private const string Project = "/repo/app";

    [Fact]
    public void Without_an_override_gac_build_runs_from_the_tool_manifest_with_the_builds_dotnet_host()
    {
        var command = GacToolCommand.Resolve(null, null, Dotnet, Project);

        Assert.Equal(Dotnet, command.FileName);
        Assert.Equal(["tool", "run", "gac-build", "--"], command.LeadingArguments);
        Assert.Equal(GacToolSource.ToolManifest, command.Source);
        Assert.Null(command.RequiredFile);
    }

    [Fact]
    public void The_property_wins_over_the_environment_variable()
    {
        var command = GacToolCommand.Resolve("/opt/gac/gac-build", "/env/gac-build", Dotnet, Project);

        Assert.Equal("/opt/gac/gac-build", command.FileName);
        Assert.Empty(command.LeadingArguments);
        Assert.Equal(GacToolSource.Property, command.Source);
    }

    [Fact]
    public void The_environment_variable_is_used_when_the_property_is_empty()
    {
        var command = GacToolCommand.Resolve("  ", "/env/gac-build", Dotnet, Project);

        Assert.Equal("/env/gac-build", command.FileName);
        Assert.Equal(GacToolSource.EnvironmentVariable, command.Source);
        Assert.Contains(GacToolCommand.EnvironmentVariableName, command.InstallHint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dll_runs_with_the_dotnet_host_and_a_relative_path_resolves_against_the_project()
    {
        var command = GacToolCommand.Resolve("../tools/gac-build.dll", null, Dotnet, Project);

        Assert.Equal(Dotnet, command.FileName);
        Assert.Equal(["/repo/tools/gac-build.dll"], command.LeadingArguments);
        Assert.Equal("/repo/tools/gac-build.dll", command.RequiredFile);
    }

    [Fact]
    public void Without_DOTNET_HOST_PATH_dotnet_is_looked_up_on_PATH()
    {
        Assert.Equal("dotnet", GacToolCommand.Resolve(null, null, null, Project).FileName);
    }
}
