using Gac.Integration.Tests.Support;

namespace Gac.Integration.Tests;

/// <summary>
/// examples/csproj-gac built as a user would, with the real gac-build tool from the packed feed:
/// the accepted model lands beside the app, and a broken spec fails the build with its code and line.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class CsprojExampleTests(PackedFeed feed)
{
    [Fact]
    public void The_csproj_example_compresses_the_bundled_model_and_a_broken_spec_fails_the_build()
    {
        var examples = feed.NewScenarioDirectory("examples");
        var project = Path.Combine(examples, "csproj-gac");
        CopyExample(RepositoryLayout.PathOf("examples/csproj-gac"), project);
        Directory.CreateDirectory(Path.Combine(examples, "models"));
        File.Copy(RepositoryLayout.PathOf("examples/models/tiny-transformer.onnx"), Path.Combine(examples, "models", "tiny-transformer.onnx"));
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear /><add key="gac-local" value="{feed.FeedDirectory}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="gac-local"><package pattern="Gac.*" /><package pattern="gac-build" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        Succeeds(feed.Dotnet("tool restore", project));
        var build = Succeeds(feed.Dotnet("build -nologo", project));

        var model = Path.Combine(project, "bin", "Debug", "net10.0", "out", "tiny-transformer.gac.onnx");
        Assert.True(File.Exists(model), build);
        Assert.True(new FileInfo(model).Length < new FileInfo(Path.Combine(examples, "models", "tiny-transformer.onnx")).Length);

        var spec = Path.Combine(project, "gac.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("ratio: 0.15", "ratio: 1.5", StringComparison.Ordinal));
        var broken = feed.Dotnet("build -nologo", project);

        Assert.NotEqual(0, broken.ExitCode);
        Assert.Matches(@"gac\.yaml\(\d+,\d+\): error GAC0012", broken.Output);
    }

    private static void CopyExample(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "out")
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static string Succeeds(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output;
    }
}
