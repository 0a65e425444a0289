namespace Gac.Core.Diagnostics;

/// <summary>GAC41xx: latency-staircase profiling (<c>gac-build profile</c>).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor ProfileWriteFailed = new(
        "GAC4101", "Latency profile cannot be written",
        "The profile's output file or its folder cannot be created or replaced (permissions, disk full, a folder of that name).",
        "Choose another --output path, or free space / fix permissions on the folder.");

    public static readonly DiagnosticDescriptor ProfileSweepEmpty = new(
        "GAC4102", "Nothing to profile",
        "No GEMM shape was given, the token count is below 1, or no requested dimension is a valid rank of a shape (ranks run from 1 to min(K, N)).",
        "Pass --shape KxN and --tokens M, and --dims within 1..min(K, N) (e.g. --dims 8:512:8 for 512x4096).");
}
