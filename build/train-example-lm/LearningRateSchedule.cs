namespace Gac.Examples.TrainLm;

/// <summary>Linear warm-up to the peak, then cosine decay to <see cref="MinFraction"/> of it at the last step.</summary>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double MinFraction = 0.1)
{
    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return Peak * (step + 1) / WarmupSteps;
        }
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - 1 - WarmupSteps);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
        return Peak * (MinFraction + (1 - MinFraction) * cosine);
    }
}
