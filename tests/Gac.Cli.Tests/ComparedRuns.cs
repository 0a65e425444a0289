using System.Globalization;

namespace Gac.Cli.Tests;

/// <summary>
/// One synthetic transformer compressed twice by `gac-build run` at one ratio — ASVD and MLP-channel
/// pruning — so `compare` is tested on reports the real pipeline wrote. Built once per test class
/// (two small runs, a few seconds each).
/// </summary>
public sealed class ComparedRuns : IDisposable
{
    public const double Ratio = 0.3;

    private readonly TempFolder _folder = new();

    public ComparedRuns()
    {
        Synth("model.onnx", seed: 7);
        AsvdReport = Run("asvd", "asvd", "model.onnx", Ratio);
        PruneReport = Run("prune", "prune", "model.onnx", Ratio);
    }

    public string Folder => _folder.Path;

    /// <summary>Report paths relative to <see cref="Folder"/>, as a user would type them.</summary>
    public string AsvdReport { get; }

    public string PruneReport { get; }

    /// <summary>Hidden 96, MLP 200: ASVD's ranks land off multiples of 8 and MLP widths can be pruned by single channels.</summary>
    public void Synth(string name, int seed)
    {
        var synth = CliRun.InDirectory(Folder, "synth", name, "--hidden", "96", "--heads", "4", "--intermediate", "200", "--blocks", "2", "--spectral-decay",
            "1", "--outlier-channels", "4", "--seed", seed.ToString(CultureInfo.InvariantCulture));
        if (synth.ExitCode != 0)
        {
            throw new InvalidOperationException($"synth failed: {synth.Error}");
        }
    }

    /// <summary>Runs the pipeline with a spec written into <paramref name="name"/>/ and returns its report path.</summary>
    public string Run(string name, string method, string model, double ratio)
    {
        var spec = $"""
            version: 1
            model:
              path: {model}
            calibration:
              samples: 4
              dims: {"{"} batch: 1, seq: 16 {"}"}
            compress:
              method: {method}
              ratio: {ratio.ToString(CultureInfo.InvariantCulture)}
              prune:
                targets: [mlp]
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: {name}/model.gac.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 5
              heldout_samples: 2
            report:
              formats: [json]
            gate:
              min_cosine: 0.5
            """;
        File.WriteAllText(_folder.File($"{name}.yaml"), spec);
        var run = CliRun.InDirectory(Folder, "run", $"{name}.yaml");
        if (run.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"gac-build run {name}.yaml exited {run.ExitCode}: {run.Error}");
        }

        return Path.Combine(name, "gac.report.json");
    }

    public void Dispose() => _folder.Dispose();
}
