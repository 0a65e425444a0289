using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Planning;

/// <summary>Maps a schema-valid layers document to records; semantic problems get the line of their decision.</summary>
internal static class PlanLayersReader
{
    public static PlanLayersDocument Read(JObject root, string source)
    {
        var diagnostics = new List<Diagnostic>();
        var options = ReadOptions(root, source, diagnostics);
        var decisions = new List<PlanningDecision>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in (JArray)root["decisions"]!)
        {
            var node = (JObject)token;
            var location = PlanLayersFile.LocationOf(node, source);
            try
            {
                var decision = ReadDecision(node);
                if (!seen.Add(decision.Id))
                {
                    diagnostics.Add(new Diagnostic(DiagnosticCatalogue.InvalidDecision, $"Decision id '{decision.Id}' appears more than once; ids must be " +
                        $"unique.", location));
                }

                diagnostics.AddRange(decision.Validate().Select(d => d with { Location = location }));
                decisions.Add(decision);
            }
            catch (GacException e)
            {
                diagnostics.AddRange(e.Diagnostics.Select(d => d with { Location = location }));
            }
        }

        // Budget ranges are enforced by the schema; the problem's own checks then find nothing new.
        var problem = new PlanningProblem((string)root["name"]!, decisions, ReadBudget((JObject)root["budget"]!));

        return diagnostics.Count > 0
            ? throw new GacException(diagnostics)
            : new PlanLayersDocument(problem, options, (string?)root["description"]);
    }

    private static PlannerOptions ReadOptions(JObject root, string source, List<Diagnostic> diagnostics)
    {
        var options = new PlannerOptions
        {
            Objective = (string?)root["objective"] switch
            {
                "paper" => PlanObjectiveKind.Paper,
                "spectrum" => PlanObjectiveKind.Spectrum,
                _ => PlanObjectiveKind.Auto,
            },
            Solver = (string?)root["solver"] switch
            {
                "exactTable" => SolverKind.ExactTable,
                "lagrangian" => SolverKind.Lagrangian,
                _ => SolverKind.Auto,
            },
        };
        if (root["alignment"] is not JObject alignment)
        {
            return options;
        }

        var profile = options.Profile;
        if (alignment["profile"] is JValue { Type: JTokenType.String } name)
        {
            var found = BuiltInProfiles.Find((string)name!);
            if (found is null)
            {
                diagnostics.Add(new Diagnostic(
                    DiagnosticCatalogue.UnknownAlignmentProfile,
                    $"Unknown alignment profile '{name}'; built-in: {string.Join(", ", BuiltInProfiles.All.Select(p => p.Name))}.",
                    PlanLayersFile.LocationOf(name, source)));
            }
            else
            {
                profile = found;
            }
        }

        if ((int?)alignment["multiple"] is { } multiple)
        {
            profile = alignment["profile"] is null
                ? BuiltInProfiles.ForMultiple(multiple)
                : profile with { Name = $"{profile.Name} (multiple {multiple})", Multiple = multiple };
        }

        return options with
        {
            Profile = profile,
            UsePreferredMultiple = (bool?)alignment["preferred"] ?? false,
            WindowSteps = (int?)alignment["windowSteps"] ?? options.WindowSteps,
        };
    }

    private static PlanningBudget ReadBudget(JObject budget)
    {
        if ((long?)budget["parameters"] is { } parameters)
        {
            return PlanningBudget.FromParameters(parameters);
        }

        if ((double?)budget["keepRatio"] is { } keep)
        {
            return PlanningBudget.FromKeptFraction(keep);
        }

        return (double?)budget["compressionRatio"] is { } ratio
            ? PlanningBudget.FromCompressionRatio(ratio)
            : PlanningBudget.SameAsTargets;
    }

    private static PlanningDecision ReadDecision(JObject node)
    {
        var id = (string)node["id"]!;
        var target = (double)node["target"]!;
        var importance = (double?)node["importance"] ?? 1.0;
        var curve = node["errorCurve"] is JObject c ? ReadCurve(c) : null;
        var norm = (double?)node["errorNorm"];
        var dense = (string?)node["dense"] switch
        {
            "notOffered" => DenseOption.NotOffered,
            "required" => DenseOption.Required,
            _ => DenseOption.Offered,
        };
        var fixedParams = (long?)node["fixedParams"] ?? 0;
        var latencyKey = (string?)node["latencyKey"];
        var errorKind = (string?)node["errorKind"] == "loss" ? ErrorCurveKind.Loss : ErrorCurveKind.Norm;
        var decision = (string)node["kind"]! switch
        {
            "lowRank" => PlanningDecision.LowRank(
                id, (long)node["inFeatures"]!, (long)node["outFeatures"]!, target, importance,
                (bool?)node["bias"] ?? false, curve, dense, norm),
            "mlpChannels" => PlanningDecision.MlpChannels(
                id, (long)node["width"]!, (long)node["paramsPerChannel"]!, target, importance,
                fixedParams, curve, dense, norm, latencyKey),
            _ => PlanningDecision.AttentionHeads(
                id, (int)node["heads"]!, (int)node["headDim"]!, (long)node["paramsPerHead"]!, target, importance,
                fixedParams, curve, dense, norm, latencyKey),
        };
        return decision with { ErrorKind = errorKind };
    }

    private static ErrorCurve ReadCurve(JObject curve)
    {
        if (curve["dense"] is JArray dense)
        {
            return ErrorCurve.FromDense(dense.Select(v => (double)v).ToArray());
        }

        var points = (JArray)curve["points"]!;
        var dims = new long[points.Count];
        var errors = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var dim = (double)points[i][0]!;
            if (dim != Math.Floor(dim))
            {
                throw GacException.Create(DiagnosticCatalogue.InvalidErrorCurve, $"Invalid error curve: point {i} has a fractional dimension {dim}.");
            }

            dims[i] = (long)dim;
            errors[i] = (double)points[i][1]!;
        }

        return ErrorCurve.FromPoints(dims, errors);
    }
}
