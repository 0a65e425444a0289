using System.Text;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

/// <summary>Whatever bytes a user feeds the loader, only diagnostics come back: never a raw exception.</summary>
public sealed class SpecFuzzTests : IDisposable
{
    private const string Valid = """
        version: 1
        model: { path: model.onnx, format: auto }
        calibration:
          samples: 8
          inputs:
            - { name: x, shape: [1, 3, 8, 8], dtype: float32, min: -1.0, max: 1.0 }
          dims: { batch: 1 }
        compress: { method: asvd, ratio: 0.15, asvd: { alpha: 0.5 } }
        alignment:
          profile: &p my-gpu
          profiles: [ { name: *p, multiple: 8, preferred_multiple: 64 } ]
        export: { path: "out/m.gac.onnx", opset: 17 }
        gate: { min_speedup_vs_original: "20%", min_cosine: 0.99 }
        report: { formats: [json, plot] }
        """;

    /// <summary>Characters that steer YAML's scanner into its unusual states.</summary>
    private const string YamlAlphabet = ":{}[],-#&*!|>'\"%@`?\n\t \\~.0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly SpecWorkspace _workspace = new();

    public SpecFuzzTests()
    {
        _workspace.File("model.onnx");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Fuzz_fixture_is_itself_valid()
    {
        var result = GacSpecLoader.Parse(Valid, _workspace.SpecPath);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Random_bytes_only_ever_produce_GacException_with_exit_code_2()
    {
        var random = new Random(20_260_301);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            File.WriteAllBytes(_workspace.SpecPath, bytes);

            AssertOnlyBadInput(() => GacSpecLoader.Load(_workspace.SpecPath), Convert.ToHexString(bytes));
        }
    }

    [Fact]
    public void Random_yaml_punctuation_only_ever_produces_diagnostics()
    {
        var random = new Random(7_919);
        for (var i = 0; i < 1000; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, 120);
            for (var j = 0; j < length; j++)
            {
                text.Append(YamlAlphabet[random.Next(YamlAlphabet.Length)]);
            }

            AssertOnlyBadInput(() => GacSpecLoader.Parse(text.ToString(), _workspace.SpecPath), text.ToString());
        }
    }

    [Fact]
    public void Mutations_of_a_valid_spec_only_ever_produce_diagnostics()
    {
        var random = new Random(104_729);
        for (var i = 0; i < 600; i++)
        {
            var text = new StringBuilder(Valid);
            for (var edits = random.Next(1, 6); edits > 0 && text.Length > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, YamlAlphabet[random.Next(YamlAlphabet.Length)]);
                        break;
                    default:
                        var other = random.Next(text.Length);
                        (text[at], text[other]) = (text[other], text[at]);
                        break;
                }
            }

            AssertOnlyBadInput(() => GacSpecLoader.Parse(text.ToString(), _workspace.SpecPath), text.ToString());
        }
    }

    private static void AssertOnlyBadInput(Func<object> load, string input)
    {
        try
        {
            var outcome = load();
            if (outcome is SpecLoadResult result)
            {
                Assert.True(result.Succeeded || result.Errors.Any(), $"no spec and no error for input:\n{input}");
                Assert.All(result.Diagnostics, d => Assert.StartsWith("GAC0", d.Code, StringComparison.Ordinal));
            }
        }
        catch (GacException ex) when (ex.ExitCode == ExitCodes.BadInput)
        {
            Assert.NotEmpty(ex.Diagnostics);
            Assert.All(ex.Diagnostics, d => Assert.StartsWith("GAC0", d.Code, StringComparison.Ordinal));
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name}: {ex.Message}\ninput:\n{input}\n{ex}");
        }
    }
}
