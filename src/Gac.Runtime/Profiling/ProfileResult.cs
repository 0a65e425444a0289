using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Reports;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Profiling;

/// <summary>The measured staircase plus what measured it.</summary>
/// <param name="Warnings">GAC4008 when provider auto fell back to the CPU.</param>
public sealed record ProfileResult(LatencyStaircase Staircase, ExecutionProvider Provider, HardwareSection Hardware, IReadOnlyList<Diagnostic> Warnings);
