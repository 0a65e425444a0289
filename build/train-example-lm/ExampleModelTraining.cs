using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Gac.Core.Diagnostics;
using TorchSharp;

namespace Gac.Examples.TrainLm;

/// <summary>Corpus → initial weights → training → held-out evaluation → checkpoint folder and model card.</summary>
public static class ExampleModelTraining
{
    public static int Run(TrainingOptions options, TextWriter log)
    {
        var files = TrainingOptions.CorpusFiles.Select(f => Path.Combine(options.CorpusFolder, f)).ToArray();
        var corpus = FortuneCorpus.Load(files);
        log.WriteLine($"corpus: {corpus}");

        // Intra-op threads fixed: libtorch's reductions split work by thread count, so a different
        // count can change the rounding of sums and with it the trained weights.
        torch.set_num_threads(options.Threads);
        var config = new LlamaConfig();
        if (options.EvaluateOnly)
        {
            using var trained = LlamaWeights.Load(config, options.OutputFolder);
            Evaluate(trained, corpus, log);
            return ExitCodes.Success;
        }

        using var weights = LlamaWeights.Initialize(config, options.Seed);
        log.WriteLine($"model: {weights.ParameterCount:N0} parameters, {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, heads " +
            $"{config.NumAttentionHeads} (kv {config.NumKeyValueHeads}), intermediate {config.IntermediateSize}, context {config.MaxPositionEmbeddings}");

        var run = Trainer.Train(weights, corpus.Train, options, log);

        var (heldOut, heldOutPredictions, trainPpl, unigram) = Evaluate(weights, corpus, log);

        CheckpointFolder.Write(options.OutputFolder, weights, corpus, options.TokenFileLength);
        var weightsFile = Path.Combine(options.OutputFolder, CheckpointFolder.WeightsFile);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weightsFile)));
        var card = new ModelCard(options, config, corpus, run, weights.ParameterCount, heldOut, heldOutPredictions, trainPpl, unigram,
            new FileInfo(weightsFile).Length, sha256);
        File.WriteAllText(Path.Combine(options.OutputFolder, CheckpointFolder.ReadmeFile), card.ToMarkdown());
        log.WriteLine($"wrote {Path.GetFullPath(options.OutputFolder)}");
        return ExitCodes.Success;
    }

    private static (double HeldOut, long HeldOutPredictions, double TrainSample, double Unigram) Evaluate(LlamaWeights weights, FortuneCorpus corpus,
        TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var context = weights.Config.MaxPositionEmbeddings;
        var (heldOut, predictions) = Perplexity.OfModel(weights, corpus.HeldOut, context);
        // The same number of training bytes, to show how much of the fit is memorisation.
        var (trainSample, _) = Perplexity.OfModel(weights, corpus.Train[..Math.Min(corpus.Train.Length, corpus.HeldOut.Length)], context);
        var unigram = Perplexity.OfUnigram(corpus.Train, corpus.HeldOut, weights.Config.VocabSize, context);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out perplexity per byte {heldOut:F3} over {predictions} predictions (train sample {trainSample:F3}); unigram baseline {unigram:F3}; " +
                $"evaluation {clock.Elapsed.TotalSeconds:F1} s"));
        return (heldOut, predictions, trainSample, unigram);
    }
}
