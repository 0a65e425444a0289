using Microsoft.ML.OnnxRuntime;

namespace Gac.Pipeline.Steps;

/// <summary>One set of named input tensors for one inference call; owns its OrtValues.</summary>
public sealed class CalibrationBatch : IDisposable
{
    public CalibrationBatch(IReadOnlyList<string> names, IReadOnlyList<OrtValue> values)
    {
        Names = names;
        Values = values;
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<OrtValue> Values { get; }

    public void Dispose()
    {
        foreach (var value in Values)
        {
            value.Dispose();
        }
    }
}
