using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Onnx.Synthetic;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build synth out.onnx</c>: writes a deterministic synthetic transformer (attention + MLP
/// blocks) so users can try the pipeline, and tests and examples get reproducible models.
/// </summary>
public sealed class SynthCommand : CliCommand
{
    public override string Name => "synth";

    public override string Summary => "Write a deterministic synthetic transformer ONNX model to try the tool on.";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("output", "The .onnx file to write.")];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--hidden", "Hidden size (default 64).", "N"),
        new("--heads", "Attention heads; must divide --hidden (default 4).", "N"),
        new("--intermediate", "MLP width (default 128).", "N"),
        new("--blocks", "Transformer blocks (default 2).", "N"),
        new("--mlp", "MLP kind: swiglu, gelu or relu (default swiglu).", "kind"),
        new("--storage", "Weight layout: initializers, constant-nodes, gemm-transposed or external (default initializers).", "kind"),
        new("--seed", "Random seed (default 1234).", "N"),
        new("--spectral-decay", "Singular values of each weight decay like k^-D (default 0: i.i.d. uniform weights).", "D"),
        new("--outlier-channels", "Scale this many input channels by 10, as real activations have outliers (default 0).", "N"),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var defaults = new SyntheticTransformerOptions();
        var options = defaults with
        {
            Hidden = args.IntValue("--hidden", 1, 65536) ?? defaults.Hidden,
            Heads = args.IntValue("--heads", 1, 1024) ?? defaults.Heads,
            Intermediate = args.IntValue("--intermediate", 1, 262144) ?? defaults.Intermediate,
            Blocks = args.IntValue("--blocks", 1, 256) ?? defaults.Blocks,
            Seed = args.IntValue("--seed") ?? defaults.Seed,
            SpectralDecay = args.DoubleValue("--spectral-decay", 0, 10) ?? defaults.SpectralDecay,
            OutlierChannels = args.IntValue("--outlier-channels", 0, 65536) ?? defaults.OutlierChannels,
            Mlp = args.Value("--mlp") switch
            {
                null or "swiglu" => MlpKind.SwiGlu,
                "gelu" => MlpKind.Gelu,
                "relu" => MlpKind.Relu,
                var other => throw ParsedArguments.ArgumentError($"--mlp expects swiglu, gelu or relu, found '{other}'."),
            },
            Storage = args.Value("--storage") switch
            {
                null or "initializers" => WeightStorage.Initializers,
                "constant-nodes" => WeightStorage.ConstantNodes,
                "gemm-transposed" => WeightStorage.GemmTransposed,
                "external" => WeightStorage.External,
                var other => throw ParsedArguments.ArgumentError($"--storage expects initializers, constant-nodes, gemm-transposed or external, found " +
                    $"'{other}'."),
            },
        };
        if (options.Hidden % options.Heads != 0)
        {
            throw ParsedArguments.ArgumentError($"--heads {options.Heads} must divide --hidden {options.Hidden}.");
        }

        var output = Path.GetFullPath(args.Positionals[0], context.WorkingDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        SyntheticTransformer.Write(options, output);
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new { path = output, linearParameters = options.LinearParameters }));
        }
        else
        {
            context.Out.WriteLine($"wrote {args.Positionals[0]}: {options.Blocks} blocks, hidden {options.Hidden}, {options.Heads} heads, MLP " +
                $"{options.Intermediate}, {options.LinearParameters:N0} linear parameters");
        }

        return ExitCodes.Success;
    }
}
