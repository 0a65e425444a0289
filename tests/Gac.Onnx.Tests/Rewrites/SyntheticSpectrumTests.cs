using System.Security.Cryptography;
using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class SyntheticSpectrumTests
{
    /// <summary>
    /// SHA-256 of models generated before SpectralDecay and OutlierChannels existed (producer
    /// version cleared): the defaults must keep producing the very same bytes.
    /// </summary>
    [Theory]
    [InlineData(WeightStorage.Initializers, MlpKind.SwiGlu, "5EF3C81650A2C9C97A8DB03882687BA438C53513934229A5CE7A84BF7786FB45")]
    [InlineData(WeightStorage.ConstantNodes, MlpKind.Gelu, "E6D7EEE20D0673560E4340D4BDBEAA956083330E96EF8268EC658EBB19398D52")]
    [InlineData(WeightStorage.GemmTransposed, MlpKind.Relu, "0F62925F6D7F8645ED2424B1823176C7D117E4854F470D0D8D296A81620E6D5E")]
    public void Default_options_generate_the_same_bytes_as_before(WeightStorage storage, MlpKind mlp, string sha256)
    {
        var model = SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Storage = storage, Mlp = mlp, MlpBias = mlp != MlpKind.SwiGlu, SpectralDecay = 0 });
        model.ProducerVersion = "";

        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(model.ToByteArray())));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Spectral_weights_have_the_uniform_init_norm_and_a_power_law_top_singular_value(double decay)
    {
        var options = new SyntheticTransformerOptions { Hidden = 48, Heads = 4, Intermediate = 80, Blocks = 1, SpectralDecay = decay };
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(options), "m.onnx");
        var gate = LinearLayerDiscovery.Discover(model).Layers.Single(l => l.Name == "blocks.0.mlp.gate_proj");
        var w = new LinearWeightReader(model).Weight(gate);

        var frobenius2 = w.Sum(x => (double)x * x);
        var expected = 48 * 80 * (1.0 / 48) / 3; // K·N·bound²/3 with bound = 1/√K
        Assert.Equal(expected, frobenius2, expected * 1e-4);
        // σ_k ∝ k^-decay, so σ_1² / ‖W‖_F² = 1 / Σ_k k^-2·decay over k = 1..min(K, N).
        var share = 1 / Enumerable.Range(1, 48).Sum(k => Math.Pow(k, -2 * decay));
        Assert.Equal(share, TopSingularValue(w, 48, 80) * TopSingularValue(w, 48, 80) / frobenius2, 1e-3);
    }

    [Fact]
    public void Spectral_models_are_deterministic_and_differ_from_uniform_ones()
    {
        var spectral = new SyntheticTransformerOptions { Blocks = 1, SpectralDecay = 1 };

        var first = SyntheticTransformer.Create(spectral).ToByteArray();

        Assert.Equal(first, SyntheticTransformer.Create(spectral).ToByteArray());
        Assert.NotEqual(first, SyntheticTransformer.Create(spectral with { SpectralDecay = 0 }).ToByteArray());
    }

    [Fact]
    public void Outlier_channels_scale_a_few_input_channels_and_leave_the_weights_alone()
    {
        var plain = SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1 });
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1, OutlierChannels = 3, OutlierScale = 10 });

        var scale = OnnxModelFile.FromModel(model, "m.onnx").ReadFloats(model.Graph.Initializer.Single(t => t.Name == "input.channel_scale"));
        Assert.Equal(3, scale.Count(s => s == 10f));
        Assert.Equal(61, scale.Count(s => s == 1f));
        Assert.Equal(plain.Graph.Initializer.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)), model.Graph.Initializer.Where(t =>
            t.Name.EndsWith(".weight", StringComparison.Ordinal)));
        Assert.Equal(LinearLayerDiscovery.Discover(plain).Layers, LinearLayerDiscovery.Discover(model).Layers);
        var input = OrtRunner.Input(16, 2 * 64);
        var tapped = ActivationTaps.Apply(OnnxModelFile.FromModel(model, "m.onnx"), ["blocks.0.attn.q_proj"]);
        var x = ModelRun.All(tapped.Model, SyntheticTransformer.InputName, input, 1, 2, 64)[tapped.OutputByLayer["blocks.0.attn.q_proj"]].Values;
        Assert.Equal(input.Select((v, i) => v * scale[i % 64]), x);
    }

    /// <summary>Power iteration on WᵀW (converges fast here: σ_1/σ_2 = 2^decay).</summary>
    private static double TopSingularValue(float[] w, int k, int n)
    {
        var v = Enumerable.Repeat(1.0, n).ToArray();
        double sigma = 0;
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var wv = new double[k];
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    wv[i] += w[i * n + j] * v[j];
                }
            }

            var next = new double[n];
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    next[j] += w[i * n + j] * wv[i];
                }
            }

            sigma = Math.Sqrt(wv.Sum(x => x * x));
            var norm = Math.Sqrt(next.Sum(x => x * x));
            v = next.Select(x => x / norm).ToArray();
        }

        return sigma;
    }
}
