using Gac.Integration.Tests.Support;

namespace Gac.Integration.Tests;

/// <summary>The packed gac-build dotnet tool installs from the local feed into a tool manifest and runs.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class GacBuildToolPackageTests(PackedFeed feed)
{
    [Fact]
    public void The_tool_installs_into_a_local_manifest_and_runs_help_and_explain()
    {
        var directory = feed.NewScenarioDirectory("tool");
        // `--add-source` cannot be combined with package source mapping, so this folder's nuget.config has no sources.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");

        Succeeds(feed.Dotnet("new tool-manifest", directory));
        Succeeds(feed.Dotnet($"tool install gac-build --add-source \"{feed.FeedDirectory}\" --version {feed.Version}", directory));

        // Without "--", `dotnet tool run` answers --help itself; `dotnet gac-build --help` needs no separator.
        var help = Succeeds(feed.Dotnet("tool run gac-build -- --help", directory));
        Assert.Contains($"gac-build {feed.Version}", help, StringComparison.Ordinal);
        Assert.Contains("gac-build [command] [options]", help, StringComparison.Ordinal);

        var explain = Succeeds(feed.Dotnet("tool run gac-build explain GAC9002", directory));
        Assert.Contains("GAC9002", explain, StringComparison.Ordinal);
        Assert.Contains("fix:", explain, StringComparison.Ordinal);
    }

    private static string Succeeds(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output;
    }
}
