using Gac.Core.Model;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>One graph input as ONNX Runtime loaded it: a dim is fixed (&gt; 0) or symbolic (its name, possibly empty).</summary>
public sealed record SessionInput(string Name, OnnxDataType Element, IReadOnlyList<long> Dimensions, IReadOnlyList<string> SymbolicDimensions)
{
    public int Rank => Dimensions.Count;

    /// <summary>The symbolic name of axis <paramref name="axis"/>; empty when the axis is fixed or unnamed.</summary>
    public string Symbol(int axis) => axis < SymbolicDimensions.Count ? SymbolicDimensions[axis] ?? string.Empty : string.Empty;
}

/// <summary>A loaded model's inputs (in graph order) and output names: what feeds are built from.</summary>
public sealed class SessionSignature
{
    private readonly Dictionary<string, SessionInput> _byName;

    public SessionSignature(IReadOnlyList<SessionInput> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Inputs = inputs;
        OutputNames = outputNames ?? throw new ArgumentNullException(nameof(outputNames));
        _byName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<SessionInput> Inputs { get; }

    public IEnumerable<string> InputNames => Inputs.Select(i => i.Name);

    public IReadOnlyList<string> OutputNames { get; }

    public SessionInput this[string input] => _byName.TryGetValue(input, out var found) ? found : throw new KeyNotFoundException(
        $"The model has no input '{input}'.");

    public bool TryGetInput(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionInput? input) => _byName.TryGetValue(name, out input);

    public bool HasOutput(string name) => OutputNames.Contains(name, StringComparer.Ordinal);

    /// <summary>"name (Int64, rank 2), …" for messages.</summary>
    public string Describe() => string.Join(", ", Inputs.Select(i => $"{i.Name} ({i.Element}, rank {i.Rank})"));

    /// <summary>The signature of an open ONNX Runtime session (for Gac.Runtime and tests that open sessions themselves).</summary>
    public static SessionSignature Of(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var inputs = session.InputMetadata
            .Select(m => new SessionInput(m.Key, (OnnxDataType)(int)m.Value.ElementDataType, m.Value.Dimensions.Select(d => (long)d).ToArray(),
                m.Value.SymbolicDimensions.ToArray()))
            .ToList();
        return new SessionSignature(inputs, session.OutputNames.ToList());
    }
}
