using Gac.Core.Spec;
using Gac.Onnx.Synthetic;

namespace Gac.Pipeline.Tests;

/// <summary>A scratch folder holding a generated transformer and specs written against it.</summary>
public sealed class PipelineWorkspace : IDisposable
{
    public PipelineWorkspace(SyntheticTransformerOptions? model = null)
    {
        Folder = Directory.CreateTempSubdirectory("gac-pipeline-").FullName;
        ModelPath = Path.Combine(Folder, "model.onnx");
        SyntheticTransformer.Write(model ?? DefaultModel, ModelPath);
    }

    /// <summary>
    /// Hidden 96 and MLP 200 with decaying spectra: ASVD's ranks land off multiples of 8, and
    /// low-rank factors keep most of each weight, so fidelity numbers mean something.
    /// </summary>
    public static SyntheticTransformerOptions DefaultModel { get; } = new()
    {
        Hidden = 96,
        Heads = 4,
        Intermediate = 200,
        Blocks = 2,
        SpectralDecay = 1.0,
        OutlierChannels = 4,
    };

    public string Folder { get; }

    public string ModelPath { get; }

    public string ArtifactPath => Path.Combine(Folder, "out", "model.gac.onnx");

    public string ReportPath(string file) => Path.Combine(Folder, "out", file);

    /// <summary>Writes gac.yaml with the given method/ratio/strategy and gate lines (a loose cosine bound unless given: a gate never runs empty); returns the
    /// loaded spec.</summary>
    public GacSpec Spec(string method = "asvd", double ratio = 0.3, string strategy = "gac", string gate = "min_cosine: 0.5", string provider = "cpu",
        string name = "gac.yaml", string dtype = "fp32", string sessions = "auto", string externalData = "auto", string exportPath = "out/model.gac.onnx",
        bool cudaGraph = false)
    {
        var text = $"""
            version: 1
            model:
              path: model.onnx
            calibration:
              samples: 4
              dims: {"{"} batch: 1, seq: 16 {"}"}
            compress:
              method: {method}
              ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}
            alignment:
              strategy: {strategy}
              profile: generic-8
            export:
              path: {exportPath}
              dtype: {dtype}
              external_data: {externalData}
            validation:
              provider: {provider}
              warmup: 2
              iterations: 10
              heldout_samples: 4
              sessions: {sessions}
              cuda_graph: {(cudaGraph ? "true" : "false")}
            report:
              formats: [json, markdown, junit, plot]
            {(gate.Length == 0 ? string.Empty : "gate:\n" + string.Join('\n', gate.Split('\n').Select(l => "  " + l)))}
            """;
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return GacSpecLoader.Load(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of the temp folder.
        }
    }
}
