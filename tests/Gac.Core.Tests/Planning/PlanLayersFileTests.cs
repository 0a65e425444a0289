using Gac.Core.Diagnostics;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class PlanLayersFileTests
{
    private const string Valid = """
        {
          "formatVersion": 1,
          "name": "tiny",
          "budget": { "keepRatio": 0.8 },
          "alignment": { "profile": "int8-16", "windowSteps": 2 },
          "objective": "paper",
          "decisions": [
            { "id": "q", "kind": "lowRank", "inFeatures": 256, "outFeatures": 256, "target": 100.5, "importance": 2,
              "errorCurve": { "points": [[0, 10], [128, 2], [256, 0]] } },
            { "id": "mlp", "kind": "mlpChannels", "width": 1000, "paramsPerChannel": 768, "target": 901 },
            { "id": "attn", "kind": "attentionHeads", "heads": 12, "headDim": 64, "paramsPerHead": 65536, "target": 10, "dense": "notOffered" }
          ]
        }
        """;

    [Fact]
    public void A_valid_file_becomes_a_problem_and_options()
    {
        var document = PlanLayersFile.Parse(Valid);
        Assert.Equal("tiny", document.Problem.Name);
        Assert.Equal(PlanningBudget.FromKeptFraction(0.8), document.Problem.Budget);
        Assert.Equal(16, document.Options.AlignmentMultiple);
        Assert.Equal(2, document.Options.WindowSteps);
        Assert.Equal(PlanObjectiveKind.Paper, document.Options.Objective);
        var q = document.Problem.Decisions[0];
        Assert.Equal(512, q.ParamsPerUnit);
        Assert.Equal(6.0, q.ErrorCurve!.At(64), 1e-12); // halfway between (0, 10) and (128, 2)
        Assert.Equal(DenseOption.NotOffered, document.Problem.Decisions[2].Dense);
        Assert.Equal(64, document.Problem.Decisions[2].ElementsPerUnit);
    }

    [Fact]
    public void Writing_and_reading_back_gives_the_same_document()
    {
        var document = PlanLayersFile.Parse(Valid);
        var again = PlanLayersFile.Parse(PlanLayersFile.ToJson(document));
        Assert.Equal(document.Problem.Decisions.Select(d => d with { ErrorCurve = null }), again.Problem.Decisions.Select(d => d with { ErrorCurve = null }));
        Assert.Equal(document.Problem.Decisions[0].ErrorCurve!.Errors, again.Problem.Decisions[0].ErrorCurve!.Errors);
        Assert.Equal(document.Options, again.Options);
        Assert.Equal(document.Problem.Budget, again.Problem.Budget);
    }

    [Fact]
    public void An_error_kind_of_loss_is_read_and_written_back()
    {
        var json = Valid.Replace("\"target\": 901 }", "\"target\": 901, \"errorCurve\": { \"points\": [[0, 3], [1000, 0]] }, \"errorKind\": \"loss\" }",
            StringComparison.Ordinal);
        var document = PlanLayersFile.Parse(json);
        Assert.Equal(ErrorCurveKind.Loss, document.Problem.Decisions[1].ErrorKind);
        Assert.Equal(ErrorCurveKind.Norm, document.Problem.Decisions[0].ErrorKind);

        var again = PlanLayersFile.Parse(PlanLayersFile.ToJson(document));
        Assert.Equal(ErrorCurveKind.Loss, again.Problem.Decisions[1].ErrorKind);
        Assert.Equal(ErrorCurveKind.Norm, again.Problem.Decisions[0].ErrorKind);
    }

    [Fact]
    public void A_missing_field_is_reported_at_its_decisions_line()
    {
        var json = Valid.Replace("\"inFeatures\": 256, ", string.Empty, StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json, "tiny.json")).Diagnostics);
        Assert.Equal("GAC2012", diagnostic.Code);
        Assert.True(diagnostic.Message.Contains("missing required property 'inFeatures'"), diagnostic.Message);
        Assert.Equal(new SourceLocation("tiny.json", 8, 5), diagnostic.Location! with { Column = 5 });
        Assert.StartsWith("tiny.json(8,", diagnostic.ToCanonicalString());
    }

    [Fact]
    public void An_unknown_property_is_a_schema_violation()
    {
        var json = Valid.Replace("\"objective\": \"paper\"", "\"objectiv\": \"paper\"", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json)).Diagnostics);
        Assert.Equal("GAC2012", diagnostic.Code);
        Assert.Contains("unknown property 'objectiv'", diagnostic.Message);
    }

    [Fact]
    public void Broken_JSON_is_GAC2011_with_line_and_column()
    {
        var json = Valid.Replace("\"name\": \"tiny\",", "\"name\": \"tiny\"", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json, "tiny.json")).Diagnostics);
        Assert.Equal("GAC2011", diagnostic.Code);
        Assert.Equal(4, diagnostic.Location!.Line);
    }

    [Fact]
    public void A_target_above_the_maximum_is_GAC2003_at_its_line()
    {
        var json = Valid.Replace("\"target\": 901", "\"target\": 1001", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json, "tiny.json")).Diagnostics);
        Assert.Equal("GAC2003", diagnostic.Code);
        Assert.Equal(10, diagnostic.Location!.Line);
    }

    [Fact]
    public void An_error_curve_that_grows_is_GAC2004()
    {
        var json = Valid.Replace("[128, 2]", "[128, 12]", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json)).Diagnostics);
        Assert.Equal("GAC2004", diagnostic.Code);
    }

    [Fact]
    public void An_unknown_profile_is_GAC2007()
    {
        var json = Valid.Replace("int8-16", "tpu-v9", StringComparison.Ordinal);
        var diagnostic = Assert.Single(Assert.Throws<GacException>(() => PlanLayersFile.Parse(json)).Diagnostics);
        Assert.Equal("GAC2007", diagnostic.Code);
        Assert.Equal(5, diagnostic.Location!.Line);
    }

    [Fact]
    public void A_missing_file_is_GAC2010()
    {
        var error = Assert.Throws<GacException>(() => PlanLayersFile.Load("/nonexistent/layers.json"));
        Assert.Equal("GAC2010", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void The_schema_is_embedded_and_documents_every_decision_kind()
    {
        Assert.Contains("lowRankDecision", PlanLayersFile.SchemaText);
        Assert.Contains("mlpChannelsDecision", PlanLayersFile.SchemaText);
        Assert.Contains("attentionHeadsDecision", PlanLayersFile.SchemaText);
    }

    [Fact]
    public void Every_planning_diagnostic_code_is_in_the_GAC2xxx_range_and_unique()
    {
        var planning = DiagnosticCatalogue.All.Where(d => d.Code.StartsWith("GAC2", StringComparison.Ordinal)).ToList();
        Assert.True(planning.Count >= 10);
        Assert.Equal(planning.Count, planning.Select(d => d.Code).Distinct().Count());
    }
}
