namespace Gac.Integration.Tests.Support;

/// <summary>Paths in the repository these tests build from.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>GacVersion from Directory.Build.props: the version pack.sh gives both packages.</summary>
    public static string GacVersion { get; } = ReadGacVersion();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Gac.Build.sln not found above {AppContext.BaseDirectory}.");
    }

    private static string ReadGacVersion()
    {
        var props = System.Xml.Linq.XDocument.Load(PathOf("Directory.Build.props"));
        return props.Descendants("GacVersion").Single().Value.Trim();
    }
}
