using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

/// <summary>
/// Every file in Spec/Broken states on its first line the diagnostic it must produce:
/// <c># expect: GAC0xxx at line L</c> (optionally <c>, column C</c>). The CLI tests reuse the files.
/// </summary>
public sealed partial class BrokenSpecTests
{
    private static readonly string BrokenFolder = Path.Combine(AppContext.BaseDirectory, "Spec", "Broken");

    public static TheoryData<string> BrokenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(BrokenFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void There_are_at_least_18_broken_specs_covering_at_least_15_codes()
    {
        var expectations = Directory.EnumerateFiles(BrokenFolder, "*.yaml").Select(ReadExpectation).ToList();
        Assert.True(expectations.Count >= 18, $"only {expectations.Count} broken specs");
        Assert.True(expectations.Select(e => e.Code).Distinct().Count() >= 15);
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Broken_spec_reports_the_expected_code_at_the_expected_line(string fileName)
    {
        var path = Path.Combine(BrokenFolder, fileName);
        var expected = ReadExpectation(path);

        var result = GacSpecLoader.TryLoad(path);

        Assert.False(result.Succeeded);
        var rendered = string.Join("\n", result.Diagnostics.Select(d => d.ToCanonicalString()));
        Assert.True(
            result.Diagnostics.Any(d => d.Code == expected.Code
                && d.Location?.Line == expected.Line
                && (expected.Column is null || d.Location?.Column == expected.Column)),
            $"expected {expected.Code} at line {expected.Line}, got:\n{rendered}");
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Broken_spec_makes_Load_throw_GacException_with_exit_code_2(string fileName)
    {
        var path = Path.Combine(BrokenFolder, fileName);

        var ex = Assert.Throws<GacException>(() => GacSpecLoader.Load(path));

        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.Contains(ex.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.All(ex.Diagnostics, d => Assert.StartsWith(path + "(", d.ToCanonicalString(), StringComparison.Ordinal));
    }

    private static (string Code, int Line, int? Column) ReadExpectation(string path)
    {
        var header = File.ReadLines(path).First();
        var match = Header().Match(header);
        Assert.True(match.Success, $"{path}: first line must be '# expect: GAC0xxx at line L', was '{header}'");
        return (match.Groups["code"].Value,
            int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
            match.Groups["col"].Success ? int.Parse(match.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    [GeneratedRegex(@"^# expect: (?<code>GAC0\d{3}) at line (?<line>\d+)(, column (?<col>\d+))?\s*$")]
    private static partial Regex Header();
}
