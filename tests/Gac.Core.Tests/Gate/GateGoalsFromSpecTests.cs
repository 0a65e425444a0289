using System.Globalization;
using System.Reflection;
using System.Text;
using Gac.Core.Gate;
using Gac.Core.Spec;
using Gac.Core.Tests.Spec;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Tests.Gate;

/// <summary>
/// gac.yaml's gate section binds straight onto <see cref="GateGoals"/>, the type the gate evaluates:
/// every goal the gate can check is reachable from the spec, and every gate key of the schema lands
/// on a goal. (A field-by-field copy between two records once left a goal unreachable.)
/// </summary>
public sealed class GateGoalsFromSpecTests : IDisposable
{
    private readonly SpecWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string> GoalParameters()
    {
        var data = new TheoryData<string>();
        foreach (var parameter in Parameters())
        {
            data.Add(parameter.Name!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoalParameters))]
    public void Every_gate_goal_is_set_by_its_gac_yaml_key(string name)
    {
        var parameter = Parameters().Single(p => p.Name == name);
        var key = SnakeCase(name);
        var (yaml, expected) = SampleValue(parameter.ParameterType);
        _workspace.File("model.onnx");
        _workspace.File("text.tokens", "1 2 3");
        _workspace.WriteSpec($"""
            version: 1
            model: {"{"} path: model.onnx {"}"}
            calibration: {"{"} tokens: text.tokens {"}"}
            compress: {"{"} method: asvd, ratio: 0.15 {"}"}
            export: {"{"} path: out/model.gac.onnx {"}"}
            gate:
              {key}: {yaml}
            """);

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        var property = typeof(GateGoals).GetProperty(name)!;
        Assert.Equal(expected, property.GetValue(spec.Gate));
        Assert.NotEqual(property.GetValue(new GateGoals()), property.GetValue(spec.Gate));
    }

    [Fact]
    public void The_schema_gate_keys_are_exactly_the_gate_goals()
    {
        var schemaKeys = ((JObject)JObject.Parse(GacSchema.Text)["properties"]!["gate"]!["properties"]!).Properties().Select(p => p.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(Parameters().Select(p => SnakeCase(p.Name!)).Order(StringComparer.Ordinal), schemaKeys);
    }

    private static ParameterInfo[] Parameters() => typeof(GateGoals).GetConstructors().Single(c => c.GetParameters().Length > 1).GetParameters();

    /// <summary>A value for the key in gac.yaml and what the bound goal must then hold; none equals the record's default.</summary>
    private static (string Yaml, object Expected) SampleValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(Threshold))
        {
            return ("\"7%\"", Threshold.Percent(7));
        }

        if (underlying == typeof(double))
        {
            return ("0.75", 0.75);
        }

        if (underlying == typeof(long))
        {
            return ("123456", 123456L);
        }

        if (underlying == typeof(SpeedupEvidence))
        {
            return ("ci-upper", SpeedupEvidence.CiUpper);
        }

        throw new InvalidOperationException($"GateGoals has a goal of type {type.Name} this test does not know; teach it a sample value.");
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        foreach (var (c, i) in name.Select((c, i) => (c, i)))
        {
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
