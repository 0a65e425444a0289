namespace Gac.Runtime.Providers;

/// <summary>Which ONNX Runtime execution provider the user asked for.</summary>
public enum ExecutionProviderPolicy
{
    /// <summary>CUDA or fail with GAC4001 (exit code 2): a GPU measurement was promised.</summary>
    Cuda,
    /// <summary>The CPU provider only.</summary>
    Cpu,
    /// <summary>CUDA when it loads, otherwise CPU with a GAC4008 warning recording why.</summary>
    Auto,
}

/// <summary>The provider that actually ran; recorded in the report.</summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}
