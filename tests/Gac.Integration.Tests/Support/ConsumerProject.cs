namespace Gac.Integration.Tests.Support;

/// <summary>
/// A generated project that references Gac.Build from the packed feed and compresses gac.yaml with the
/// fake gac-build (GacToolPath), whose behaviour the spec's "# fake ..." lines script.
/// </summary>
public sealed class ConsumerProject
{
    private readonly PackedFeed _feed;

    /// <param name="useFakeTool">false leaves GacToolPath unset: gac-build then comes from the tool manifest.</param>
    public ConsumerProject(PackedFeed feed, string name, string itemMetadata = "", bool useFakeTool = true)
    {
        _feed = feed;
        Directory = feed.NewScenarioDirectory(name);
        var tool = Path.Combine(Directory, "tools", "fake-gac-build.sh");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(tool)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "FakeTool", "fake-gac-build.sh"), tool);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(Directory, "nuget.config"), NuGetConfig(feed.FeedDirectory));
        File.WriteAllText(Path.Combine(Directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {(useFakeTool ? "<GacToolPath>tools/fake-gac-build.sh</GacToolPath>" : "")}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Gac.Build" Version="{feed.Version}" />
                <GacCompress Include="gac.yaml" {itemMetadata} />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Directory, "model.onnx"), "fake model weights");
    }

    public string Directory { get; }

    /// <summary>How many times the fake tool ran `run` (compressed), across all builds so far.</summary>
    public int CompressionRuns =>
        File.Exists(PathOf("fake-gac-build.log")) ? File.ReadAllLines(PathOf("fake-gac-build.log")).Count(l => l.StartsWith("run ", StringComparison.Ordinal))
            : 0;

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>Writes gac.yaml: the fake's directives, then a body standing in for the real spec.</summary>
    public void WriteSpec(string body, params string[] directives) =>
        File.WriteAllText(PathOf("gac.yaml"), string.Concat(directives.Select(d => "# fake " + d + "\n")) + body);

    public CommandResult Build(string extraArguments = "") =>
        _feed.Dotnet($"build -nologo -tl:off -v:n -nodeReuse:false {extraArguments}", Directory);

    /// <summary>Maps Gac.* and gac-build to the local feed and everything else to nuget.org.</summary>
    public static string NuGetConfig(string feedDirectory) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="gac-local" value="{feedDirectory}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="gac-local">
              <package pattern="Gac.*" />
              <package pattern="gac-build" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>
        """;
}
