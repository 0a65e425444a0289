using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// Checks that a Hugging Face checkpoint folder is one model: config.json parses, every
/// safetensors header is sound (offsets tile each file), the stored transformer blocks are the
/// ones config.json declares, and the stored tensors are exactly those the architecture uses, with
/// the shapes and dtypes it needs. Reads config.json and the safetensors headers only, never a
/// weight, so it is cheap enough for <c>gac-build check</c> on a multi-gigabyte checkpoint.
/// </summary>
public static class CheckpointInventory
{
    public const string ConfigFileName = "config.json";

    /// <summary>A long list of problems usually has one cause; the first ones name it.</summary>
    private const int MaxDiagnostics = 10;

    /// <summary>
    /// The entry point for hosts that collect diagnostics (<c>gac-build check</c>): never throws for
    /// bad input; <see cref="CheckpointInventoryReport.Diagnostics"/> is empty when the checkpoint is
    /// sound. <paramref name="path"/> is the checkpoint folder (or one .safetensors file with
    /// config.json beside it).
    /// </summary>
    public static CheckpointInventoryReport Check(string path)
    {
        var configPath = ConfigPathOf(path);
        try
        {
            var config = TransformerConfigReader.Load(configPath);
            using var checkpoint = SafetensorsCheckpoint.Open(path);
            return Inspect(config, configPath, checkpoint);
        }
        catch (GacException e)
        {
            return new CheckpointInventoryReport(path, configPath, null, [], 0, 0, e.Diagnostics);
        }
    }

    /// <summary>The same check for a run that has already opened the checkpoint: throws every problem found (exit 2).</summary>
    public static CheckpointInventoryReport Verify(TransformerConfig config, string configPath, SafetensorsCheckpoint checkpoint)
    {
        var report = Inspect(config, configPath, checkpoint);
        return report.Succeeded ? report : throw new GacException(report.Diagnostics);
    }

    /// <summary>config.json of a checkpoint folder, or beside a single .safetensors file.</summary>
    public static string ConfigPathOf(string path)
        => Path.Combine(File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path, ConfigFileName);

    public static CheckpointInventoryReport Inspect(TransformerConfig config, string configPath, SafetensorsCheckpoint checkpoint)
    {
        var names = CheckpointTensorNames.Detect(config.Family, checkpoint);
        var diagnostics = new List<Diagnostic>();
        if (LayerCountProblem(config, configPath, checkpoint, names) is { } layers)
        {
            // Every tensor of the missing or surplus blocks would be reported again below.
            diagnostics.Add(layers);
        }
        else
        {
            var expected = CheckpointLayout.Tensors(config, names);
            diagnostics.AddRange(expected.Select(t => ExpectedTensorProblem(t.Name, t.Shape, config, checkpoint)).OfType<Diagnostic>());
            var known = expected.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            diagnostics.AddRange(UnexpectedTensors(config, checkpoint, names, known));
        }

        var parameters = checkpoint.Names.Sum(n => checkpoint.Entry(n).ElementCount);
        var bytes = checkpoint.Files.Sum(f => f.Entries.Values.Sum(e => e.ByteLength));
        return new CheckpointInventoryReport(
            checkpoint.Source,
            configPath,
            config,
            checkpoint.Files.Select(f => f.Path).ToList(),
            parameters,
            bytes,
            Truncate(diagnostics));
    }

    /// <summary>Blocks are numbered from 0 under one prefix (model.layers.N. / h.N.); the highest stored index says how many there are.</summary>
    private static Diagnostic? LayerCountProblem(TransformerConfig config, string configPath, SafetensorsCheckpoint checkpoint, CheckpointTensorNames names)
    {
        var prefix = names.Block(0)[..^1];
        var stored = -1;
        string? witness = null;
        foreach (var name in checkpoint.Names)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && name.IndexOf('.', prefix.Length) is var dot and > 0
                && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), out var index)
                && index > stored)
            {
                stored = index;
                witness = name;
            }
        }

        stored++;
        if (stored == config.Layers)
        {
            return null;
        }

        var field = config.Family == TransformerFamily.Gpt2 ? "n_layer" : "num_hidden_layers";
        var found = witness is null
            ? $"the checkpoint stores no tensor under '{prefix}N.'"
            : $"the checkpoint stores {stored} ('{witness}' in {Path.GetFileName(checkpoint.FileOf(witness))} is the last)";
        return new Diagnostic(
            DiagnosticCatalogue.CheckpointLayerCountMismatch,
            $"'{configPath}' declares {field} = {config.Layers}, but {found}.",
            ConfigFieldLocator.Find(configPath, field));
    }

    private static Diagnostic? ExpectedTensorProblem(string name, long[] shape, TransformerConfig config, SafetensorsCheckpoint checkpoint)
    {
        if (!checkpoint.Contains(name))
        {
            return new Diagnostic(
                DiagnosticCatalogue.CheckpointTensorMissing,
                $"The checkpoint '{checkpoint.Source}' has no tensor '{name}' [{string.Join(", ", shape)}]; {config.ModelType} as config.json describes it " +
                    $"needs it.",
                new SourceLocation(checkpoint.IndexPath ?? checkpoint.Files.First().Path));
        }

        var entry = checkpoint.Entry(name);
        var file = checkpoint.FileOf(name);
        if (!entry.Shape.SequenceEqual(shape))
        {
            return new Diagnostic(
                DiagnosticCatalogue.CheckpointTensorMissing,
                $"Tensor '{name}' in '{Path.GetFileName(file)}' is [{string.Join(", ", entry.Shape)}]; config.json implies [{string.Join(", ", shape)}].",
                new SourceLocation(file));
        }

        return SafetensorsDType.IsReadable(entry.DType)
            ? null
            : new Diagnostic(
                DiagnosticCatalogue.SafetensorsDtypeUnsupported,
                $"Tensor '{name}' in '{Path.GetFileName(file)}' is {entry.DType}; only F32, F16 and BF16 can be read.",
                new SourceLocation(file));
    }

    private static IEnumerable<Diagnostic> UnexpectedTensors(TransformerConfig config, SafetensorsCheckpoint checkpoint, CheckpointTensorNames names,
        HashSet<string> known)
    {
        foreach (var name in checkpoint.Names.Where(n => !known.Contains(n) && !IsIgnoredBuffer(n, config, names)).Order(StringComparer.Ordinal))
        {
            var file = checkpoint.FileOf(name);
            yield return new Diagnostic(
                DiagnosticCatalogue.CheckpointTensorUnexpected,
                $"Tensor '{name}' in '{Path.GetFileName(file)}' is not part of {config.ModelType} as config.json describes it.",
                new SourceLocation(file));
        }

        // A shard may hold tensors its index does not assign to it; whichever copy a loader takes,
        // the checkpoint is ambiguous.
        foreach (var file in checkpoint.Files)
        {
            foreach (var name in file.Entries.Keys.Where(n => !checkpoint.Contains(n) || checkpoint.FileOf(n) != file.Path).Order(StringComparer.Ordinal))
            {
                var where = checkpoint.Contains(name) ? $"assigns it to '{Path.GetFileName(checkpoint.FileOf(name))}'" : "does not list it";
                yield return new Diagnostic(
                    DiagnosticCatalogue.CheckpointTensorUnexpected,
                    $"Tensor '{name}' is stored in '{Path.GetFileName(file.Path)}', but {SafetensorsCheckpoint.IndexFileName} {where}.",
                    new SourceLocation(file.Path));
            }
        }
    }

    /// <summary>
    /// Tensors transformers itself drops on load, so exporting without them is exact: RoPE's
    /// inv_freq buffer (recomputed from config.json; old Llama conversions saved it), GPT-2's causal
    /// mask buffers attn.bias / attn.masked_bias (GPT2's _keys_to_ignore_on_load_unexpected), and
    /// lm_head.weight of a tied model (tie_weights replaces it with the token embedding).
    /// </summary>
    private static bool IsIgnoredBuffer(string name, TransformerConfig config, CheckpointTensorNames names)
    {
        if (config.TieWordEmbeddings && name == names.LmHead + ".weight")
        {
            return true;
        }

        var prefix = names.Block(0)[..^1];
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.IndexOf('.', prefix.Length) is not (var dot and > 0))
        {
            return false;
        }

        var rest = name[(dot + 1)..];
        return config.Family == TransformerFamily.Gpt2
            ? rest is "attn.bias" or "attn.masked_bias"
            : rest == "self_attn.rotary_emb.inv_freq";
    }

    private static IReadOnlyList<Diagnostic> Truncate(List<Diagnostic> diagnostics)
    {
        if (diagnostics.Count <= MaxDiagnostics)
        {
            return diagnostics;
        }

        var last = diagnostics[MaxDiagnostics - 1];
        var shown = diagnostics.Take(MaxDiagnostics - 1).ToList();
        shown.Add(last with { Message = $"{last.Message} ({diagnostics.Count - MaxDiagnostics} more problems of this checkpoint not shown.)" });
        return shown;
    }
}
