using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Benchmark;

/// <summary>One named tensor per model input; owns the OrtValues (and their pinned buffers).</summary>
public sealed class InputSet : IDisposable
{
    public InputSet(IReadOnlyList<string> names, IReadOnlyList<OrtValue> values)
    {
        Names = names;
        Values = values;
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<OrtValue> Values { get; }

    public OrtValue this[string name] => Values[IndexOf(name)];

    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"No input named '{name}'.");
    }

    public void Dispose()
    {
        foreach (var value in Values)
        {
            value.Dispose();
        }
    }
}
