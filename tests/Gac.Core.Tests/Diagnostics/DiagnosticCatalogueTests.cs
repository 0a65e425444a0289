using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;

namespace Gac.Core.Tests.Diagnostics;

public sealed partial class DiagnosticCatalogueTests
{
    [Fact]
    public void Every_code_is_unique_and_well_formed()
    {
        var codes = DiagnosticCatalogue.All.Select(d => d.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches(CodePattern(), c));
    }

    [Fact]
    public void Every_entry_has_a_title_a_cause_and_a_fix()
    {
        Assert.All(DiagnosticCatalogue.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Code);
            Assert.False(string.IsNullOrWhiteSpace(d.Cause), d.Code);
            Assert.False(string.IsNullOrWhiteSpace(d.Fix), d.Code);
        });
    }

    [Fact]
    public void The_published_catalogue_page_matches_the_code()
    {
        var page = Path.Combine(RepositoryRoot(), "src", "Gac.Core", "Diagnostics", "DIAGNOSTICS.md");

        var published = File.ReadAllText(page).ReplaceLineEndings("\n");
        var expected = DiagnosticCatalogueMarkdown.Render().ReplaceLineEndings("\n");

        Assert.True(published == expected, "DIAGNOSTICS.md is out of date; regenerate it with `dotnet run --project src/Gac.Cli -- explain --markdown > " +
            "src/Gac.Core/Diagnostics/DIAGNOSTICS.md`.");
    }

    [Fact]
    public void Canonical_form_is_what_msbuild_parses()
    {
        var diagnostic = new Diagnostic(DiagnosticCatalogue.BadArgument, "bad", new SourceLocation("gac.yaml", 3, 7));

        Assert.Equal("gac.yaml(3,7): error GAC9002: bad", diagnostic.ToCanonicalString());
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Gac.Build.sln not found above the test folder.");
    }

    [GeneratedRegex("^GAC[0-9]{4}$")]
    private static partial Regex CodePattern();
}
