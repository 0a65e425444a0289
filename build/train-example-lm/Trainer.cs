using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using F = TorchSharp.torch.nn.functional;

namespace Gac.Examples.TrainLm;

/// <summary>Elapsed is wall time; ProcessorTime is this process's CPU time, the steadier figure on a shared machine.</summary>
public sealed record TrainingRun(double FirstLoss, double FinalLoss, TimeSpan Elapsed, TimeSpan ProcessorTime, int Steps);

/// <summary>Next-token cross-entropy on random windows, AdamW, warm-up + cosine schedule, gradient clipping.</summary>
public static class Trainer
{
    public static TrainingRun Train(LlamaWeights weights, byte[] train, TrainingOptions options, TextWriter log)
    {
        var context = weights.Config.MaxPositionEmbeddings;
        var sampler = new WindowSampler(train, context, options.Seed);
        var schedule = new LearningRateSchedule(options.PeakLearningRate, options.WarmupSteps, options.Steps);
        var groups = new[]
        {
            new AdamW.ParamGroup(weights.Decayed, new AdamW.Options { weight_decay = options.WeightDecay }),
            new AdamW.ParamGroup(weights.NotDecayed, new AdamW.Options { weight_decay = 0 }),
        };
        // betas (0.9, 0.95): the usual choice for transformer LMs (Llama paper, section 2.2).
        using var optimizer = torch.optim.AdamW(groups, lr: options.PeakLearningRate, beta1: 0.9, beta2: 0.95, eps: 1e-8);
        var parameters = weights.ByName.Values.ToArray();

        var clock = Stopwatch.StartNew();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var (first, recent, recentCount) = (double.NaN, 0.0, 0);
        var last = double.NaN;
        for (var step = 0; step < options.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var lr = schedule.At(step);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }
            var (inputs, targets) = sampler.Next(options.Batch);
            optimizer.zero_grad();
            var logits = weights.Logits(inputs);
            var loss = F.cross_entropy(logits.view(-1, weights.Config.VocabSize), targets.flatten());
            loss.backward();
            torch.nn.utils.clip_grad_norm_(parameters, options.GradientClip);
            optimizer.step();

            var value = loss.item<float>();
            first = double.IsNaN(first) ? value : first;
            (recent, recentCount) = (recent + value, recentCount + 1);
            if ((step + 1) % options.LogEvery == 0 || step + 1 == options.Steps)
            {
                last = recent / recentCount;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {step + 1,5}/{options.Steps}  train loss {last:F4} (ppl {Math.Exp(last):F2})  lr {lr:E2}  {clock.Elapsed.TotalSeconds,6:F1} s"));
                (recent, recentCount) = (0, 0);
            }
        }
        return new TrainingRun(first, last, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart, options.Steps);
    }
}
