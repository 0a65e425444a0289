using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Runtime.Profiling;
using Google.Protobuf;

namespace Gac.Pipeline.Profiling;

/// <summary>
/// The profiler's probe models, built by Gac.Onnx's <see cref="GemmProbeModels"/>. It lives here
/// because Gac.Runtime may not reference the ONNX writer (ARCHITECTURE.md); the pipeline layer has both.
/// </summary>
public sealed class OnnxGemmProbes : IGemmModelSource
{
    private readonly GemmProbeModels _models = new();

    public byte[] Build(GemmProbe probe)
        => _models.Build(
            probe.Tokens,
            probe.Shape.InFeatures,
            probe.Shape.OutFeatures,
            probe.Rank,
            probe.DataType == ProbeDataType.Float16 ? OnnxDataType.Float16 : OnnxDataType.Float).ToByteArray();
}
