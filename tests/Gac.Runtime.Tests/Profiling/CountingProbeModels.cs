using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Runtime.Profiling;
using Google.Protobuf;

namespace Gac.Runtime.Tests.Profiling;

/// <summary>
/// A test <see cref="IGemmModelSource"/>: the probes <c>profile</c> builds (Gac.Onnx's
/// <see cref="GemmProbeModels"/>), fp32 only, counting the probes it built.
/// </summary>
internal sealed class CountingProbeModels : IGemmModelSource
{
    private readonly GemmProbeModels _models = new();

    public List<GemmProbe> Built { get; } = [];

    public byte[] Build(GemmProbe probe)
    {
        Built.Add(probe);
        return _models.Build(probe.Tokens, probe.Shape.InFeatures, probe.Shape.OutFeatures, probe.Rank, OnnxDataType.Float).ToByteArray();
    }
}
