namespace Gac.Runtime.Providers;

/// <summary>The provider that actually ran; recorded in the report.</summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}
