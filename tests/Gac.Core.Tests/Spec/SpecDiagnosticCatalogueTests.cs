using Gac.Core.Diagnostics;

namespace Gac.Core.Tests.Spec;

public sealed class SpecDiagnosticCatalogueTests
{
    private static IReadOnlyList<DiagnosticDescriptor> SpecCodes
        => DiagnosticCatalogue.All.Where(d => d.Code.StartsWith("GAC0", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Spec_codes_are_unique_in_range_and_each_has_a_title_cause_and_fix()
    {
        Assert.True(SpecCodes.Count >= 15);
        Assert.Equal(SpecCodes.Count, SpecCodes.Select(d => d.Code).Distinct().Count());
        Assert.All(SpecCodes, d =>
        {
            Assert.Matches("^GAC0[0-9]{3}$", d.Code);
            Assert.NotEqual("GAC0000", d.Code);
            Assert.False(string.IsNullOrWhiteSpace(d.Title));
            Assert.False(string.IsNullOrWhiteSpace(d.Cause));
            Assert.False(string.IsNullOrWhiteSpace(d.Fix));
        });
    }

    [Fact]
    public void Every_code_a_broken_spec_expects_is_in_the_catalogue()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Spec", "Broken");
        var expected = Directory.EnumerateFiles(folder, "*.yaml")
            .Select(f => File.ReadLines(f).First().Split(' ')[2])
            .Distinct();

        Assert.All(expected, code => Assert.NotNull(DiagnosticCatalogue.Find(code)));
    }
}
