using System.Xml.Linq;
using Gac.Integration.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Gac.Integration.Tests;

/// <summary>The examples stay in step with the command-line contract and the packed version (fast: no builds).</summary>
public sealed class ExampleTests
{
    [Fact]
    public void The_GitHub_workflow_compresses_on_a_CPU_runner_and_hands_the_bundle_to_the_gate_on_a_GPU_runner()
    {
        var workflow = Workflow();
        var bundleDir = workflow["env"].Mapping()["BUNDLE_DIR"].Scalar();
        var jobs = workflow["jobs"].Mapping();

        var compress = jobs["compress"].Mapping();
        Assert.Equal("ubuntu-latest", compress["runs-on"].Scalar());
        var compressSteps = compress["steps"].Sequence().Select(s => s.Mapping()).ToList();
        var restore = compressSteps.FindIndex(s => Run(s).Contains("dotnet tool restore", StringComparison.Ordinal));
        var stage = compressSteps.FindIndex(s => Run(s).Contains("dotnet tool run gac-build -- run gac.yaml --stage compress --bundle \"$BUNDLE_DIR\"", StringComparison.Ordinal));
        var handOff = compressSteps.FindIndex(s => Uses(s).StartsWith("actions/upload-artifact@", StringComparison.Ordinal));
        Assert.True(restore >= 0 && stage > restore && handOff > stage, "restore, compress, then upload the bundle");
        Assert.Equal("${{ env.BUNDLE_DIR }}", compressSteps[handOff]["with"].Mapping()["path"].Scalar());
        Assert.Equal("error", compressSteps[handOff]["with"].Mapping()["if-no-files-found"].Scalar());
        var artifactName = compressSteps[handOff]["with"].Mapping()["name"].Scalar();

        var job = jobs["gate"].Mapping();
        Assert.Equal("compress", job["needs"].Scalar());
        Assert.Equal(["self-hosted", "gpu"], job["runs-on"].Sequence().Select(n => n.Scalar()));
        var steps = job["steps"].Sequence().Select(s => s.Mapping()).ToList();
        var download = steps.FindIndex(s => Uses(s).StartsWith("actions/download-artifact@", StringComparison.Ordinal));
        Assert.Equal(artifactName, steps[download]["with"].Mapping()["name"].Scalar());
        Assert.Equal("${{ env.BUNDLE_DIR }}", steps[download]["with"].Mapping()["path"].Scalar());
        Assert.Equal("gac-bundle", bundleDir);
        var gate = steps.FindIndex(s => Run(s).Contains("dotnet tool run gac-build -- validate \"$BUNDLE_DIR\"", StringComparison.Ordinal));
        Assert.True(steps.FindIndex(s => Run(s).Contains("dotnet tool restore", StringComparison.Ordinal)) >= 0 && gate > download, "the tool is restored and the bundle received before the gate runs");

        var gateStep = steps[gate];
        Assert.False(gateStep.Children.ContainsKey("continue-on-error"), "a rejection (exit code 1) must fail the job");
        Assert.Contains("--report-dir \"$REPORT_DIR\"", Run(gateStep), StringComparison.Ordinal);
        Assert.Contains("exit \"$code\"", Run(gateStep), StringComparison.Ordinal);

        var summary = Assert.Single(steps, s => Run(s).Contains("$GITHUB_STEP_SUMMARY", StringComparison.Ordinal));
        Assert.Equal("always()", summary["if"].Scalar());

        var upload = Assert.Single(steps, s => Uses(s).StartsWith("actions/upload-artifact@", StringComparison.Ordinal));
        Assert.Equal("always()", upload["if"].Scalar());
        Assert.Equal("${{ env.REPORT_DIR }}", upload["with"].Mapping()["path"].Scalar());
        Assert.Equal("gac-report", job["env"].Mapping()["REPORT_DIR"].Scalar());
    }

    [Fact]
    public void The_csproj_example_references_the_version_pack_sh_produces_from_the_local_feed()
    {
        var project = XDocument.Load(RepositoryLayout.PathOf("examples/csproj-gac/CsprojGac.csproj"));
        var reference = Assert.Single(project.Descendants("PackageReference"), r => (string?)r.Attribute("Include") == "Gac.Build");
        Assert.Equal(RepositoryLayout.GacVersion, (string?)reference.Attribute("Version"));
        Assert.Equal("gac.yaml", (string?)Assert.Single(project.Descendants("GacCompress")).Attribute("Include"));
        Assert.True(File.Exists(RepositoryLayout.PathOf("examples/csproj-gac/gac.yaml")));

        var feed = XDocument.Load(RepositoryLayout.PathOf("examples/csproj-gac/nuget.config")).Descendants("add")
            .Single(a => (string?)a.Attribute("key") == "gac-local");
        Assert.Equal("../../artifacts/feed", (string?)feed.Attribute("value"));

        var manifest = File.ReadAllText(RepositoryLayout.PathOf("examples/csproj-gac/.config/dotnet-tools.json"));
        Assert.Contains($"\"version\": \"{RepositoryLayout.GacVersion}\"", manifest, StringComparison.Ordinal);
    }

    private static YamlMappingNode Workflow()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryLayout.PathOf("examples/ci-github/gac-gate.yml"));
        stream.Load(reader);
        return stream.Documents[0].RootNode.Mapping();
    }

    private static string Uses(YamlMappingNode step) =>
        step.Children.TryGetValue("uses", out var uses) ? uses.Scalar() : "";

    private static string Run(YamlMappingNode step) =>
        step.Children.TryGetValue("run", out var run) ? run.Scalar() : "";
}

/// <summary>Terse, failing-loudly access to YAML nodes of an expected kind.</summary>
internal static class YamlNodes
{
    public static YamlMappingNode Mapping(this YamlNode node) => Assert.IsType<YamlMappingNode>(node);

    public static YamlSequenceNode Sequence(this YamlNode node) => Assert.IsType<YamlSequenceNode>(node);

    public static string Scalar(this YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value ?? "";
}
