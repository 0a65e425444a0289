using BenchmarkDotNet.Attributes;
using Gac.Core.Audit;
using Gac.Core.Hardware;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Onnx.Synthetic;

namespace Gac.Benchmarks;

/// <summary>
/// `gac-build audit` on a model with over 1 GB of external weights must answer from the graph
/// alone: load the .onnx (a few KB), discover, audit — never touching the data file.
/// Target: under 1 s. Run: dotnet run -c Release --project tests/Gac.Benchmarks -- --filter '*AuditBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class AuditBenchmarks
{
    // hidden 2048, MLP 8192, 4 blocks: 4·(4·2048² + 3·2048·8192) = 268,435,456 fp32 weights = 1.07 GB.
    private static readonly SyntheticTransformerOptions LargeModel = new()
    {
        Hidden = 2048,
        Heads = 16,
        Intermediate = 8192,
        Blocks = 4,
        Storage = WeightStorage.External,
        AttentionBias = false,
    };

    private string _folder = "";
    private string _modelPath = "";

    [GlobalSetup]
    public void WriteLargeModel()
    {
        _folder = Directory.CreateTempSubdirectory("gac-audit-bench-").FullName;
        _modelPath = Path.Combine(_folder, "large.onnx");
        SyntheticTransformer.Write(LargeModel, _modelPath);
        var dataBytes = new FileInfo(_modelPath + ".data").Length;
        if (dataBytes < 1_000_000_000)
        {
            throw new InvalidOperationException($"Benchmark model has only {dataBytes:N0} bytes of external weights.");
        }
    }

    [GlobalCleanup]
    public void DeleteLargeModel() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public AuditReport LoadDiscoverAudit()
    {
        var model = OnnxModelFile.Load(_modelPath);
        var inventory = LinearLayerDiscovery.Discover(model);
        return AlignmentAudit.Run(inventory, BuiltInProfiles.Generic8);
    }
}
