using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// One named tensor per model input. Built from <see cref="InputTensor"/>s, so sources outside
/// Gac.Runtime never touch ONNX Runtime; the ONNX Runtime values over them are made on first use
/// and owned (with their pinned buffers) until the set is disposed.
/// </summary>
public sealed class InputSet : IDisposable
{
    private List<OrtValue>? _values;

    public InputSet(IReadOnlyList<InputTensor> tensors)
    {
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
        Names = tensors.Select(t => t.Name).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<InputTensor> Tensors { get; }

    public InputTensor this[string name] => Tensors[IndexOf(name)];

    /// <summary>The ONNX Runtime values, in <see cref="Names"/> order.</summary>
    internal IReadOnlyList<OrtValue> Values
    {
        get
        {
            if (_values is null)
            {
                var values = new List<OrtValue>(Tensors.Count);
                try
                {
                    values.AddRange(Tensors.Select(t => t.ToOrtValue()));
                }
                catch
                {
                    values.ForEach(v => v.Dispose());
                    throw;
                }

                _values = values;
            }

            return _values;
        }
    }

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
        _values?.ForEach(v => v.Dispose());
        _values = null;
    }
}
