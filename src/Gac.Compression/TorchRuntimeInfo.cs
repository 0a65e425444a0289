namespace Gac.Compression;

/// <summary>How libLibTorchSharp was brought into the process.</summary>
public enum TorchLoadPath
{
    /// <summary>The shipped library loaded as is: the running libstdc++ has every version it needs.</summary>
    Original,

    /// <summary>A copy with the GLIBCXX_3.4.32 requirement marked weak was loaded instead.</summary>
    PatchedCopy,

    /// <summary>Not Linux: TorchSharp's own loader was used unchanged.</summary>
    TorchSharpDefault,
}

/// <summary>What <see cref="TorchRuntime.EnsureLoaded"/> did; recorded in reports and asserted by tests.</summary>
public sealed record TorchRuntimeInfo(
    TorchLoadPath Path,
    string? LibTorchSharpFile,
    string? LibTorchFolder,
    string? LibStdCxxFile,
    IReadOnlyList<string> WeakenedVersions);
