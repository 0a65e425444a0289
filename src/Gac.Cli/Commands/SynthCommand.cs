using Gac.Onnx.Synthetic;
using Gac.Pipeline.Samples;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build synth out.onnx</c>: writes a deterministic synthetic transformer (attention + MLP
/// blocks) so users can try the pipeline, and tests and examples get reproducible models.
/// </summary>
public sealed class SynthCommand : GacCommand
{
    private readonly Argument<string> _output = Required("output", "The .onnx file to write.");
    private readonly Option<int?> _hidden = CliOptions.Int("--hidden", "N", "Hidden size (default 64).", 1, 65536);
    private readonly Option<int?> _heads = CliOptions.Int("--heads", "N", "Attention heads; must divide --hidden (default 4).", 1, 1024);
    private readonly Option<int?> _intermediate = CliOptions.Int("--intermediate", "N", "MLP width (default 128).", 1, 262144);
    private readonly Option<int?> _blocks = CliOptions.Int("--blocks", "N", "Transformer blocks (default 2).", 1, 256);
    private readonly Option<MlpKind?> _mlp =
        CliOptions.Choice("--mlp", "MLP kind (default swiglu).", ("swiglu", MlpKind.SwiGlu), ("gelu", MlpKind.Gelu), ("relu", MlpKind.Relu));
    private readonly Option<WeightStorage?> _storage = CliOptions.Choice(
        "--storage",
        "Weight layout (default initializers).",
        ("initializers", WeightStorage.Initializers),
        ("constant-nodes", WeightStorage.ConstantNodes),
        ("gemm-transposed", WeightStorage.GemmTransposed),
        ("external", WeightStorage.External));
    private readonly Option<int?> _seed = CliOptions.Int("--seed", "N", "Random seed (default 1234).");
    private readonly Option<double?> _spectralDecay =
        CliOptions.Double("--spectral-decay", "D", "Singular values of each weight decay like k^-D (default 0: i.i.d. uniform weights).", 0, 10);
    private readonly Option<int?> _outlierChannels =
        CliOptions.Int("--outlier-channels", "N", "Scale this many input channels by 10, as real activations have outliers (default 0).", 0, 65536);

    public SynthCommand(CliHost host)
        : base(host, "synth", "Write a deterministic synthetic transformer ONNX model to try the tool on.")
    {
        Declare([_output, _hidden, _heads, _intermediate, _blocks, _mlp, _storage, _seed, _spectralDecay, _outlierChannels]);
    }

    protected override int Execute(CommandContext context)
    {
        var defaults = new SyntheticTransformerOptions();
        var options = defaults with
        {
            Hidden = context.Get(_hidden) ?? defaults.Hidden,
            Heads = context.Get(_heads) ?? defaults.Heads,
            Intermediate = context.Get(_intermediate) ?? defaults.Intermediate,
            Blocks = context.Get(_blocks) ?? defaults.Blocks,
            Seed = context.Get(_seed) ?? defaults.Seed,
            SpectralDecay = context.Get(_spectralDecay) ?? defaults.SpectralDecay,
            OutlierChannels = context.Get(_outlierChannels) ?? defaults.OutlierChannels,
            Mlp = context.Get(_mlp) ?? defaults.Mlp,
            Storage = context.Get(_storage) ?? defaults.Storage,
        };
        if (options.Hidden % options.Heads != 0)
        {
            throw ArgumentErrors.Create($"--heads {options.Heads} must divide --hidden {options.Hidden}.");
        }

        var given = context.Get(_output);
        var output = context.FullPath(given);
        var linearParameters = SampleModels.WriteTransformer(options, output);
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new { path = output, linearParameters }));
        }
        else
        {
            context.Out.WriteLine($"wrote {given}: {options.Blocks} blocks, hidden {options.Hidden}, {options.Heads} heads, MLP {options.Intermediate}, " +
                $"{linearParameters:N0} linear parameters");
        }

        return ExitCodes.Success;
    }
}
