using Gac.Core.Spec;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Tests;

/// <summary>Opens models on ONNX Runtime's CPU provider the way the pipeline does (through Gac.Runtime), one thread.</summary>
internal static class CpuSession
{
    private static readonly OrtSessionFactory Factory = new(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));

    public static OrtSession Open(string path) => Factory.Open(path);

    public static OrtSession Open(byte[] model) => Factory.Open(model, "test");
}
