using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gac.Core.Hardware;

namespace Gac.Core.Planning;

/// <summary>Writes a <see cref="PlanLayersDocument"/> in the layers-file format that <see cref="PlanLayersFile.Load"/> reads.</summary>
internal static class PlanLayersWriter
{
    // Relaxed escaping keeps "+" and "'" readable; the file is data for tools and editors, never HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(PlanLayersDocument document, string? schemaReference)
    {
        var problem = document.Problem;
        var root = new JsonObject();
        if (schemaReference is not null)
        {
            root["$schema"] = schemaReference;
        }

        root["formatVersion"] = 1;
        root["name"] = problem.Name;
        if (document.Description is not null)
        {
            root["description"] = document.Description;
        }

        root["budget"] = WriteBudget(problem.Budget);
        root["alignment"] = WriteAlignment(document.Options);
        root["objective"] = document.Options.Objective switch
        {
            PlanObjectiveKind.Paper => "paper",
            PlanObjectiveKind.Spectrum => "spectrum",
            _ => "auto",
        };
        root["solver"] = document.Options.Solver switch
        {
            SolverKind.ExactTable => "exactTable",
            SolverKind.Lagrangian => "lagrangian",
            _ => "auto",
        };
        root["decisions"] = new JsonArray(problem.Decisions.Select(d => (JsonNode)WriteDecision(d)).ToArray());
        return root.ToJsonString(Indented) + Environment.NewLine;
    }

    private static JsonObject WriteBudget(PlanningBudget budget) => budget.Kind switch
    {
        BudgetKind.Parameters => new JsonObject { ["parameters"] = (long)budget.Value },
        BudgetKind.KeptFraction => new JsonObject { ["keepRatio"] = budget.Value },
        BudgetKind.CompressionRatio => new JsonObject { ["compressionRatio"] = budget.Value },
        _ => new JsonObject { ["sameAsTargets"] = true },
    };

    private static JsonObject WriteAlignment(PlannerOptions options)
    {
        var alignment = new JsonObject();
        if (BuiltInProfiles.Find(options.Profile.Name) is { } builtIn && builtIn == options.Profile)
        {
            alignment["profile"] = builtIn.Name;
            alignment["preferred"] = options.UsePreferredMultiple;
        }
        else
        {
            alignment["multiple"] = options.AlignmentMultiple;
        }

        alignment["windowSteps"] = options.WindowSteps;
        return alignment;
    }

    private static JsonObject WriteDecision(PlanningDecision d)
    {
        var node = new JsonObject { ["id"] = d.Id };
        switch (d.Kind)
        {
            case DecisionKind.LowRank:
                node["kind"] = "lowRank";
                node["inFeatures"] = d.InFeatures ?? throw new InvalidOperationException($"Low-rank decision '{d.Id}' has no InFeatures; build it with " +
                    $"PlanningDecision.LowRank.");
                node["outFeatures"] = d.OutFeatures ?? throw new InvalidOperationException($"Low-rank decision '{d.Id}' has no OutFeatures.");
                node["bias"] = d.FixedParams > 0;
                break;
            case DecisionKind.MlpChannels:
                node["kind"] = "mlpChannels";
                node["width"] = d.MaxDimension;
                node["paramsPerChannel"] = d.ParamsPerUnit;
                node["fixedParams"] = d.FixedParams;
                break;
            default:
                node["kind"] = "attentionHeads";
                node["heads"] = d.MaxDimension;
                node["headDim"] = d.ElementsPerUnit;
                node["paramsPerHead"] = d.ParamsPerUnit;
                node["fixedParams"] = d.FixedParams;
                break;
        }

        node["target"] = d.Target;
        node["importance"] = d.Importance;
        if (d.Dense != DenseOption.Offered)
        {
            node["dense"] = d.Dense == DenseOption.Required ? "required" : "notOffered";
        }

        if (d.ErrorCurve is { } curve)
        {
            node["errorCurve"] = WriteCurve(curve);
        }

        if (d.ErrorNorm is { } norm)
        {
            node["errorNorm"] = norm;
        }

        if (d.ErrorKind == ErrorCurveKind.Loss)
        {
            node["errorKind"] = "loss";
        }

        if (d.Kind != DecisionKind.LowRank && d.LatencyKey is { } key)
        {
            node["latencyKey"] = key;
        }

        return node;
    }

    private static JsonObject WriteCurve(ErrorCurve curve)
    {
        var isDense = curve.Dimensions.Select((d, i) => d == i).All(x => x);
        return isDense
            ? new JsonObject { ["dense"] = new JsonArray(curve.Errors.Select(e => (JsonNode)e).ToArray()) }
            : new JsonObject
            {
                ["points"] = new JsonArray(curve.Dimensions.Zip(curve.Errors, (d, e) => (JsonNode)new JsonArray(d, e)).ToArray()),
            };
    }
}
