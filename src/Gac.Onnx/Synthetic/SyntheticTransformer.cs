using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Synthetic;

/// <summary>
/// Generates a small, deterministic, runnable transformer without embeddings or norms:
/// input "hidden_states" float [batch, seq, hidden] → N blocks of multi-head self-attention and an
/// MLP, each with a residual → output "output" of the same shape. Layers are named like a PyTorch
/// export (blocks.0.attn.q_proj, blocks.0.mlp.gate_proj, …) so both name hints and graph structure
/// identify them.
/// </summary>
public static class SyntheticTransformer
{
    public const string InputName = "hidden_states";
    public const string OutputName = "output";

    public static ModelProto Create(SyntheticTransformerOptions options)
    {
        options.Validate();
        return new Generator(options).Build();
    }

    /// <summary>Creates the model and writes it; <see cref="WeightStorage.External"/> writes "&lt;file&gt;.data" beside it.</summary>
    public static void Write(SyntheticTransformerOptions options, string path)
    {
        var model = Create(options);
        var policy = options.Storage == WeightStorage.External ? ExternalDataPolicy.External : ExternalDataPolicy.Auto;
        OnnxModelWriter.Write(model, path, OnnxSaveOptions.Default with { ExternalData = policy });
    }

    private sealed class Generator(SyntheticTransformerOptions o)
    {
        private readonly OnnxGraphBuilder _b = new("synthetic_transformer", o.OpsetVersion);
        private readonly Random _random = new(o.Seed);
        private readonly Dictionary<string, string> _shapeConstants = new(StringComparer.Ordinal);
        private string _tokenDims = "";

        public ModelProto Build()
        {
            var x = _b.Input(InputName, OnnxDataType.Float, "batch", "seq", o.Hidden);
            if (o.OutlierChannels > 0)
            {
                x = _b.Node("Mul", [x, Weight(OnnxTensorFactory.Floats("input.channel_scale", ChannelScale(), o.Hidden))], "input/channel_scale/Mul");
            }

            if (o.Storage == WeightStorage.GemmTransposed)
            {
                // Gemm takes 2-D operands: flatten tokens before each Gemm and restore [batch, seq, N] after.
                var shape = _b.Node("Shape", [x], "tokens/Shape");
                _tokenDims = _b.Node("Slice", [shape, Int64Constant("tokens.starts", 0), Int64Constant("tokens.ends", 2)], "tokens/Slice");
            }

            for (var i = 0; i < o.Blocks; i++)
            {
                x = Attention($"blocks.{i}.attn", x);
                x = MultiLayerPerceptron($"blocks.{i}.mlp", x);
            }

            var output = _b.Node("Identity", [x], OutputName);
            var result = _b.Build();
            // Name the graph output plainly; the builder names node outputs "<node>_output".
            RenameValue(result.Graph, output, OutputName);
            result.Graph.Output.Add(new ValueInfoProto
            {
                Name = OutputName,
                Type = result.Graph.Input[0].Type.Clone(),
            });
            return result;
        }

        private string Attention(string prefix, string x)
        {
            long hidden = o.Hidden, heads = o.Heads, headDim = o.HeadDim;
            var q = Linear($"{prefix}.q_proj", x, hidden, hidden, o.AttentionBias);
            var k = Linear($"{prefix}.k_proj", x, hidden, hidden, o.AttentionBias);
            var v = Linear($"{prefix}.v_proj", x, hidden, hidden, o.AttentionBias);

            // [batch, seq, hidden] → [batch, seq, heads, head_dim]; 0 copies the input's dimension.
            var splitHeads = Int64Constant($"shape.heads.{heads}x{headDim}", 0, 0, heads, headDim);
            var qh = _b.Node(
                "Transpose",
                [_b.Node("Reshape", [q, splitHeads], $"{prefix}/q/Reshape")],
                $"{prefix}/q/Transpose",
                OnnxAttributes.Ints("perm", 0, 2, 1, 3));
            var kh = _b.Node(
                "Transpose",
                [_b.Node("Reshape", [k, splitHeads], $"{prefix}/k/Reshape")],
                $"{prefix}/k/Transpose",
                OnnxAttributes.Ints("perm", 0, 2, 3, 1));
            var vh = _b.Node(
                "Transpose",
                [_b.Node("Reshape", [v, splitHeads], $"{prefix}/v/Reshape")],
                $"{prefix}/v/Transpose",
                OnnxAttributes.Ints("perm", 0, 2, 1, 3));

            var scores = _b.Node("MatMul", [qh, kh], $"{prefix}/scores/MatMul");
            var scale = FloatConstant($"{prefix}.scale", 1f / MathF.Sqrt(headDim));
            var scaled = _b.Node("Mul", [scores, scale], $"{prefix}/scores/Mul");
            var probabilities = _b.Node("Softmax", [scaled], $"{prefix}/Softmax", OnnxAttributes.Int("axis", -1));
            var context = _b.Node("MatMul", [probabilities, vh], $"{prefix}/context/MatMul");
            var merged = _b.Node("Transpose", [context], $"{prefix}/context/Transpose", OnnxAttributes.Ints("perm", 0, 2, 1, 3));
            var mergeHeads = Int64Constant($"shape.merge.{hidden}", 0, 0, hidden);
            var flat = _b.Node("Reshape", [merged, mergeHeads], $"{prefix}/context/Reshape");
            var output = Linear($"{prefix}.o_proj", flat, hidden, hidden, o.AttentionBias);
            return _b.Node("Add", [x, output], $"{prefix}/residual/Add");
        }

        private string MultiLayerPerceptron(string prefix, string x)
        {
            long hidden = o.Hidden, width = o.Intermediate;
            string down;
            if (o.Mlp == MlpKind.SwiGlu)
            {
                var gate = Linear($"{prefix}.gate_proj", x, hidden, width, o.MlpBias);
                var up = Linear($"{prefix}.up_proj", x, hidden, width, o.MlpBias);
                // SiLU(g) = g · sigmoid(g), spelled out as exporters do below opset 22.
                var silu = _b.Node("Mul", [gate, _b.Node("Sigmoid", [gate], $"{prefix}/act/Sigmoid")], $"{prefix}/act/Mul");
                var gated = _b.Node("Mul", [silu, up], $"{prefix}/gate/Mul");
                down = Linear($"{prefix}.down_proj", gated, width, hidden, o.MlpBias);
            }
            else
            {
                var fc1 = Linear($"{prefix}.fc1", x, hidden, width, o.MlpBias);
                var activated = o.Mlp == MlpKind.Relu ? _b.Node("Relu", [fc1], $"{prefix}/act/Relu") : Gelu(prefix, fc1);
                down = Linear($"{prefix}.fc2", activated, width, hidden, o.MlpBias);
            }

            return _b.Node("Add", [x, down], $"{prefix}/residual/Add");
        }

        /// <summary>GELU(x) = 0.5 · x · (1 + erf(x / √2)), the exact form (Hendrycks &amp; Gimpel 2016).</summary>
        private string Gelu(string prefix, string x)
        {
            var erf = _b.Node("Erf", [_b.Node("Div", [x, FloatConstant("gelu.sqrt2", MathF.Sqrt(2f))], $"{prefix}/act/Div")], $"{prefix}/act/Erf");
            var onePlus = _b.Node("Add", [erf, FloatConstant("gelu.one", 1f)], $"{prefix}/act/Add");
            var half = _b.Node("Mul", [x, FloatConstant("gelu.half", 0.5f)], $"{prefix}/act/Mul_half");
            return _b.Node("Mul", [half, onePlus], $"{prefix}/act/Mul");
        }

        private string Linear(string name, string x, long inFeatures, long outFeatures, bool bias)
        {
            // Uniform(-1/√K, 1/√K), PyTorch's nn.Linear default init; keeps activations O(1) with the residuals.
            var bound = 1f / MathF.Sqrt(inFeatures);
            var weights = o.SpectralDecay > 0 ? SpectralWeights.Create(_random, inFeatures, outFeatures, bound, o.SpectralDecay)
                : UniformWeights(inFeatures * outFeatures, bound);

            float[]? biasValues = null;
            if (bias)
            {
                biasValues = new float[outFeatures];
                for (var i = 0; i < biasValues.Length; i++)
                {
                    biasValues[i] = ((float)_random.NextDouble() * 2f - 1f) * bound;
                }
            }

            if (o.Storage == WeightStorage.GemmTransposed)
            {
                return GemmLinear(name, x, inFeatures, outFeatures, weights, biasValues);
            }

            // weights are generated as [K, N] (in, out), MatMul's layout.
            var w = Weight(OnnxTensorFactory.Floats($"{name}.weight", weights, inFeatures, outFeatures));
            var y = _b.Node("MatMul", [x, w], $"{name}/MatMul");
            return biasValues is null ? y : _b.Node("Add", [y, Weight(OnnxTensorFactory.Floats($"{name}.bias", biasValues, outFeatures))], $"{name}/Add");
        }

        private float[] UniformWeights(long count, float bound)
        {
            var weights = new float[count];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = ((float)_random.NextDouble() * 2f - 1f) * bound;
            }

            return weights;
        }

        /// <summary>1 everywhere except <see cref="SyntheticTransformerOptions.OutlierChannels"/> channels; drawn from its own generator so the weights do not
        /// change.</summary>
        private float[] ChannelScale()
        {
            var scale = Enumerable.Repeat(1f, o.Hidden).ToArray();
            var random = new Random(o.Seed ^ 0x5ca1e);
            foreach (var channel in Enumerable.Range(0, o.Hidden).OrderBy(_ => random.Next()).Take(o.OutlierChannels))
            {
                scale[channel] = o.OutlierScale;
            }

            return scale;
        }

        private string GemmLinear(string name, string x, long inFeatures, long outFeatures, float[] weightsKn, float[]? biasValues)
        {
            // Gemm(transB = 1) reads B as [N, K]: store the transpose of the [K, N] draw so the model
            // computes the same function as the MatMul layouts with the same seed.
            var transposed = new float[weightsKn.Length];
            for (var k = 0; k < inFeatures; k++)
            {
                for (var n = 0; n < outFeatures; n++)
                {
                    transposed[n * inFeatures + k] = weightsKn[k * outFeatures + n];
                }
            }

            var w = Weight(OnnxTensorFactory.Floats($"{name}.weight", transposed, outFeatures, inFeatures));
            var flat = _b.Node("Reshape", [x, Int64Constant($"shape.flat.{inFeatures}", -1, inFeatures)], $"{name}/Flatten");
            List<string> inputs = [flat, w];
            if (biasValues is not null)
            {
                inputs.Add(Weight(OnnxTensorFactory.Floats($"{name}.bias", biasValues, outFeatures)));
            }

            var y = _b.Node("Gemm", inputs, $"{name}/Gemm", OnnxAttributes.Int("transB", 1));
            return _b.Node("Reshape", [y, TokenShape(outFeatures)], $"{name}/Unflatten");
        }

        /// <summary>[batch, seq, width] computed from the input's shape (needed after a 2-D Gemm).</summary>
        private string TokenShape(long width)
        {
            var key = $"tokens.shape.{width}";
            if (!_shapeConstants.TryGetValue(key, out var name))
            {
                name = _b.Node("Concat", [_tokenDims, Int64Constant($"tokens.width.{width}", width)], $"{key}/Concat", OnnxAttributes.Int("axis", 0));
                _shapeConstants[key] = name;
            }

            return name;
        }

        private string Weight(TensorProto tensor)
            => o.Storage == WeightStorage.ConstantNodes ? _b.Constant(tensor) : _b.Initializer(tensor);

        private string Int64Constant(string name, params long[] values)
        {
            if (!_shapeConstants.TryGetValue(name, out var existing))
            {
                existing = Weight(OnnxTensorFactory.Int64Vector(name, values));
                _shapeConstants[name] = existing;
            }

            return existing;
        }

        private string FloatConstant(string name, float value)
        {
            if (!_shapeConstants.TryGetValue(name, out var existing))
            {
                existing = Weight(OnnxTensorFactory.FloatScalar(name, value));
                _shapeConstants[name] = existing;
            }

            return existing;
        }

        private static void RenameValue(GraphProto graph, string from, string to)
        {
            foreach (var node in graph.Node)
            {
                for (var i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i] == from)
                    {
                        node.Output[i] = to;
                    }
                }
            }
        }
    }
}
