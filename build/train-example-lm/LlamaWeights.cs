using Gac.Compression.Checkpoints;
using Gac.Compression.Reference;
using Gac.Core.Model.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Every trainable tensor of a Llama model under its Hugging Face name and layout: Linear weights
/// are [out_features, in_features] (torch.nn.Linear), the embedding is [vocab, hidden]. Keeping the
/// HF names here, rather than TorchSharp module field names, makes the checkpoint a plain dump, and
/// lets <see cref="Logits"/> run Gac.Compression's <see cref="ReferenceForward"/> on them: the pass
/// the model is trained through is the one the pipeline's reference reads the checkpoint with.
/// </summary>
public sealed class LlamaWeights : IDisposable
{
    /// <summary>HF LlamaConfig.initializer_range default; _init_weights draws Linear and Embedding from N(0, 0.02).</summary>
    public const double InitializerRange = 0.02;

    private readonly SortedDictionary<string, Parameter> _byName;
    private RotaryTables? _trainingRotary;

    private LlamaWeights(LlamaConfig config, SortedDictionary<string, Parameter> byName)
    {
        Config = config;
        _byName = byName;
        // Read back from the config.json this checkpoint ships, as gac-build reads it.
        Architecture = TransformerConfigReader.Parse(config.ToHuggingFaceJson());
    }

    public LlamaConfig Config { get; }

    public TransformerConfig Architecture { get; }

    /// <summary>Ordinal name order, the order the checkpoint is written in.</summary>
    public IReadOnlyDictionary<string, Parameter> ByName => _byName;

    public Parameter this[string name] => _byName[name];

    public long ParameterCount => _byName.Values.Sum(p => p.numel());

    /// <summary>
    /// RoPE as the bundled checkpoint was trained: angles in double, rounded once to float32 — a little
    /// more precise than transformers' float32 angles at inference (cos/sin differ by under 1e-5 at
    /// these 128 positions), and kept so that a rerun of train.sh gives the same weights.
    /// </summary>
    public RotaryTables TrainingRotary => _trainingRotary ??= DoublePrecisionRotary(Architecture);

    /// <summary>ids: int64 [batch, seq] → logits [batch, seq, vocab]; differentiable in the parameters.</summary>
    public Tensor Logits(Tensor ids) => ReferenceForward.Logits(Architecture, CheckpointTensorNames.Llama, name => _byName[name], ids, TrainingRotary);

    /// <summary>Logits as transformers (and the exported ONNX graph) compute them at inference: RoPE angles in float32.</summary>
    public Tensor InferenceLogits(Tensor ids) => ReferenceForward.Logits(Architecture, CheckpointTensorNames.Llama, name => _byName[name], ids);

    private static RotaryTables DoublePrecisionRotary(TransformerConfig c)
    {
        var frequencies = c.RopeScaling.InverseFrequencies(c.RotaryDim, c.RopeTheta);
        var (d, half) = (c.RotaryDim, c.RotaryDim / 2);
        var cos = new float[c.MaxPositions * d];
        var sin = new float[c.MaxPositions * d];
        for (var p = 0; p < c.MaxPositions; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = p * frequencies[i];
                cos[(p * d) + i] = cos[(p * d) + half + i] = (float)Math.Cos(angle);
                sin[(p * d) + i] = sin[(p * d) + half + i] = (float)Math.Sin(angle);
            }
        }

        return new RotaryTables(c.MaxPositions, d, cos, sin);
    }

    /// <summary>
    /// Draws the initial weights from torch's generator in a fixed name order, so a seed fixes them.
    /// Norm weights start at 1 (HF LlamaRMSNorm).
    /// </summary>
    public static LlamaWeights Initialize(LlamaConfig config, long seed)
    {
        config.Validate();
        torch.manual_seed(seed);
        var shapes = Shapes(config);
        var byName = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, shape) in shapes)
        {
            using var initial = name.EndsWith("norm.weight", StringComparison.Ordinal)
                ? torch.ones(shape, dtype: float32)
                : torch.randn(shape, dtype: float32).mul_(InitializerRange);
            byName[name] = new Parameter(initial.detach().clone(), requires_grad: true);
        }
        return new LlamaWeights(config, byName);
    }

    /// <summary>
    /// The weights of a checkpoint this trainer wrote (for <c>--evaluate</c>), frozen: the same names
    /// and shapes as <see cref="Shapes"/>, read with Gac.Compression's safetensors reader.
    /// </summary>
    public static LlamaWeights Load(LlamaConfig config, string folder)
    {
        config.Validate();
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        var byName = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, shape) in Shapes(config))
        {
            if (!checkpoint.Shape(name).SequenceEqual(shape))
            {
                throw new ArgumentException($"{folder}: '{name}' is [{string.Join(", ", checkpoint.Shape(name))}], expected [{string.Join(", ", shape)}].");
            }

            byName[name] = new Parameter(torch.tensor(checkpoint.ReadFloat32(name), shape), requires_grad: false);
        }

        return new LlamaWeights(config, byName);
    }

    /// <summary>HF tensor names and shapes of LlamaForCausalLM, in the order weights are drawn.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Shapes(LlamaConfig c)
    {
        long h = c.HiddenSize, kv = (long)c.NumKeyValueHeads * c.HeadDim, q = (long)c.NumAttentionHeads * c.HeadDim;
        var shapes = new List<(string, long[])> { ("model.embed_tokens.weight", [c.VocabSize, h]) };
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            shapes.Add((p + "input_layernorm.weight", [h]));
            shapes.Add((p + "self_attn.q_proj.weight", [q, h]));
            shapes.Add((p + "self_attn.k_proj.weight", [kv, h]));
            shapes.Add((p + "self_attn.v_proj.weight", [kv, h]));
            shapes.Add((p + "self_attn.o_proj.weight", [h, q]));
            shapes.Add((p + "post_attention_layernorm.weight", [h]));
            shapes.Add((p + "mlp.gate_proj.weight", [c.IntermediateSize, h]));
            shapes.Add((p + "mlp.up_proj.weight", [c.IntermediateSize, h]));
            shapes.Add((p + "mlp.down_proj.weight", [h, c.IntermediateSize]));
        }
        shapes.Add(("model.norm.weight", [h]));
        shapes.Add(("lm_head.weight", [c.VocabSize, h]));
        return shapes;
    }

    /// <summary>Norm weights take no weight decay (decaying them pulls the gains towards 0, not towards the identity).</summary>
    public IEnumerable<Parameter> Decayed => _byName.Where(p => p.Value.dim() >= 2).Select(p => p.Value);

    public IEnumerable<Parameter> NotDecayed => _byName.Where(p => p.Value.dim() < 2).Select(p => p.Value);

    public void Dispose()
    {
        foreach (var p in _byName.Values)
        {
            p.Dispose();
        }
    }
}
