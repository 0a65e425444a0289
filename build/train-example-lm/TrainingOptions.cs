using System.Globalization;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Training settings; the defaults made the bundled checkpoint (measured times in its README).
/// One intra-op thread by default: on a shared 2-core machine libtorch's OpenMP workers spin against
/// other processes (measured here: 4.8 s per step with 2 threads under load 10, 1.3 s with 1), and
/// a fixed thread count keeps the floating-point reduction order, hence the weights, reproducible.
/// </summary>
public sealed record TrainingOptions(
    string CorpusFolder,
    string OutputFolder,
    int Steps = 500,
    int Batch = 32,
    double PeakLearningRate = 3e-3,
    int WarmupSteps = 50,
    double WeightDecay = 0.1,
    double GradientClip = 1.0,
    int Seed = 2604,
    int Threads = 1,
    int LogEvery = 25,
    int TokenFileLength = 4096,
    bool EvaluateOnly = false)
{
    public const string Usage =
        "usage: train-example-lm --corpus <folder with fortune files> --out <checkpoint folder> [--steps N] [--batch N] [--seed N] [--threads N] [--evaluate]";

    /// <summary>The fortune files read, in this order (fortunes-min ships exactly these three).</summary>
    public static readonly IReadOnlyList<string> CorpusFiles = ["fortunes", "literature", "riddles"];

    public static TrainingOptions Parse(IReadOnlyList<string> args)
    {
        string? corpus = null, output = null;
        var options = new TrainingOptions("", "");
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--evaluate")
            {
                // Measures the checkpoint already in --out instead of training one.
                options = options with { EvaluateOnly = true };
                continue;
            }

            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            i++;
            options = args[i - 1] switch
            {
                "--corpus" => options with { CorpusFolder = corpus = value },
                "--out" => options with { OutputFolder = output = value },
                "--steps" => options with { Steps = Positive(args[i - 1], value) },
                "--batch" => options with { Batch = Positive(args[i - 1], value) },
                "--seed" => options with { Seed = Positive(args[i - 1], value) },
                "--threads" => options with { Threads = Positive(args[i - 1], value) },
                _ => throw new ArgumentException($"unknown option {args[i - 1]}. {Usage}"),
            };
        }
        if (corpus is null || output is null)
        {
            throw new ArgumentException(Usage);
        }
        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.");
}
