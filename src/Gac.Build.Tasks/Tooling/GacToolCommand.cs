namespace Gac.Build.Tasks.Tooling;

/// <summary>Where the gac-build command came from; decides the hint a failure to start it gets.</summary>
internal enum GacToolSource
{
    /// <summary>The <c>GacToolPath</c> MSBuild property (or the task parameter of the same name).</summary>
    Property,

    /// <summary>The <c>GAC_BUILD_TOOL_PATH</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary><c>dotnet tool run gac-build</c>: the version pinned in the repository's tool manifest.</summary>
    ToolManifest,
}

/// <summary>
/// The process to start for gac-build: an executable plus the arguments that precede gac-build's own
/// (a .dll to run with the dotnet host, or <c>tool run gac-build</c>).
/// </summary>
internal sealed record GacToolCommand(string FileName, IReadOnlyList<string> LeadingArguments, GacToolSource Source)
{
    /// <summary>The MSBuild property and environment variable that override the default command.</summary>
    public const string PropertyName = "GacToolPath";

    public const string EnvironmentVariableName = "GAC_BUILD_TOOL_PATH";

    /// <summary>Set by the .NET SDK for every MSBuild node: the dotnet host that runs this build.</summary>
    public const string DotnetHostVariableName = "DOTNET_HOST_PATH";

    /// <summary>
    /// Picks the command: the property wins over the environment variable, which wins over the tool manifest.
    /// A path ending in .dll runs with the dotnet host (a framework-dependent gac-build.dll from a build
    /// output); any other path is started directly (an apphost, or a script in tests). Relative paths are
    /// resolved against <paramref name="baseDirectory"/> (the project's folder).
    /// </summary>
    public static GacToolCommand Resolve(string? propertyValue, string? environmentValue, string? dotnetHostPath, string baseDirectory)
    {
        var dotnet = string.IsNullOrWhiteSpace(dotnetHostPath) ? "dotnet" : dotnetHostPath;
        var (path, source) = !string.IsNullOrWhiteSpace(propertyValue) ? (propertyValue.Trim(), GacToolSource.Property)
            : !string.IsNullOrWhiteSpace(environmentValue) ? (environmentValue.Trim(), GacToolSource.EnvironmentVariable)
            : (null, GacToolSource.ToolManifest);

        if (path is null)
        {
            return new GacToolCommand(dotnet, ["tool", "run", "gac-build", "--"], GacToolSource.ToolManifest);
        }

        var fullPath = Path.GetFullPath(path, baseDirectory);
        return fullPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new GacToolCommand(dotnet, [fullPath], source)
            : new GacToolCommand(fullPath, [], source);
    }

    /// <summary>The file that must exist for the command to start; null when it is found on PATH by name.</summary>
    public string? RequiredFile => Source switch
    {
        GacToolSource.ToolManifest => null,
        _ => LeadingArguments.Count == 1 ? LeadingArguments[0] : FileName,
    };

    /// <summary>How a user fixes a gac-build that cannot be started from this source.</summary>
    public string InstallHint => Source switch
    {
        GacToolSource.Property => $"check the {PropertyName} property",
        GacToolSource.EnvironmentVariable => $"check the {EnvironmentVariableName} environment variable",
        _ => "install it into the repository's tool manifest (`dotnet new tool-manifest` once, then `dotnet tool install gac-build`) "
            + $"and run `dotnet tool restore`, or point the {PropertyName} property or the {EnvironmentVariableName} environment variable at gac-build",
    };
}
