namespace Gac.Integration.Tests.Support;

/// <summary>
/// Packs Gac.Build and gac-build once (build/pack.sh) into a temporary folder feed shared by every
/// integration test, with a package cache of its own.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "gac-integration-" + Guid.NewGuid().ToString("N")[..12]);
        FeedDirectory = Path.Combine(Root, "feed");
        PackagesDirectory = Path.Combine(Root, "packages");
        Directory.CreateDirectory(FeedDirectory);

        var pack = DotnetCommand.Run("bash", $"build/pack.sh \"{FeedDirectory}\"", RepositoryLayout.Root, PackagesDirectory, TimeSpan.FromMinutes(8));
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/pack.sh failed: {pack}");
        }
    }

    public string Root { get; }

    public string FeedDirectory { get; }

    /// <summary>NUGET_PACKAGES for every command in this run.</summary>
    public string PackagesDirectory { get; }

    public string Version => RepositoryLayout.GacVersion;

    /// <summary>A fresh folder for one scenario, under this run's root.</summary>
    public string NewScenarioDirectory(string name)
    {
        var directory = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public CommandResult Dotnet(string arguments, string workingDirectory) =>
        DotnetCommand.Run("dotnet", arguments, workingDirectory, PackagesDirectory, TimeSpan.FromMinutes(4));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless; never fail the run on cleanup.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
