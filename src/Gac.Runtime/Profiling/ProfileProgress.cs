namespace Gac.Runtime.Profiling;

/// <summary>Reported after each probe is timed; <see cref="Completed"/> of <see cref="Total"/> counts probes of this shape.</summary>
public sealed record ProfileProgress(GemmShape Shape, int ShapeIndex, int ShapeCount, GemmProbe Probe, double P50Ms, int Completed, int Total)
{
    public bool ShapeDone => Completed == Total;
}
