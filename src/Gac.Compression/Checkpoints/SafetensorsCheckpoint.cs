using System.Text.Json;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// The weights of a Hugging Face checkpoint: one model.safetensors, or shards listed by
/// model.safetensors.index.json ("weight_map": tensor name → shard file). Shards are opened on
/// first use and tensors read one at a time.
/// </summary>
public sealed class SafetensorsCheckpoint : ICheckpointTensors, IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsFile> _shards;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    private SafetensorsCheckpoint(string source, Dictionary<string, SafetensorsFile> shards, Dictionary<string, SafetensorsFile> byTensor, string? indexPath)
    {
        Source = source;
        _shards = shards;
        _byTensor = byTensor;
        IndexPath = indexPath;
    }

    public string Source { get; }

    public IReadOnlyCollection<string> Names => _byTensor.Keys;

    /// <summary>Every safetensors file opened: the single file, or each shard the index names.</summary>
    public IReadOnlyCollection<SafetensorsFile> Files => _shards.Values;

    /// <summary>model.safetensors.index.json for a sharded checkpoint; null for a single file.</summary>
    public string? IndexPath { get; }

    /// <summary>The file whose bytes a tensor is read from (with an index, the shard it assigns the tensor to).</summary>
    public string FileOf(string name)
    {
        Entry(name);
        return _byTensor[name].Path;
    }

    /// <summary>
    /// Opens a checkpoint folder (index first, then model.safetensors) or a single .safetensors file.
    /// GAC1201 when neither exists, GAC1205 for a missing shard, GAC1206 for a malformed index.
    /// </summary>
    public static SafetensorsCheckpoint Open(string path)
    {
        if (File.Exists(path))
        {
            return FromFiles(path, [Path.GetFullPath(path)], null, null);
        }

        var index = Path.Combine(path, IndexFileName);
        if (File.Exists(index))
        {
            return OpenSharded(path, index);
        }

        var single = Path.Combine(path, SingleFileName);
        if (File.Exists(single))
        {
            return FromFiles(path, [single], null, null);
        }

        throw GacException.Create(
            DiagnosticCatalogue.CheckpointFileUnreadable,
            $"'{path}' holds neither {IndexFileName} nor {SingleFileName}.",
            new SourceLocation(path));
    }

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    public IReadOnlyList<long> Shape(string name) => Entry(name).Shape;

    public SafetensorsEntry Entry(string name)
        => _byTensor.TryGetValue(name, out var file) && file.Entries.TryGetValue(name, out var entry)
            ? entry
            : throw GacException.Create(DiagnosticCatalogue.CheckpointTensorMissing, $"The checkpoint '{Source}' has no tensor '{name}'.",
                new SourceLocation(Source));

    public float[] ReadFloat32(string name)
    {
        Entry(name);
        return _byTensor[name].ReadFloat32(name);
    }

    public void Dispose()
    {
        foreach (var shard in _shards.Values)
        {
            shard.Dispose();
        }
    }

    private static SafetensorsCheckpoint OpenSharded(string folder, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var folderFull = Path.GetFullPath(folder);
        var shardFiles = new List<string>();
        foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal))
        {
            // An index is untrusted input: a shard must be a plain file name inside the folder.
            if (shard.Length == 0 || shard.IndexOfAny(['/', '\\', '\0']) >= 0 || shard is "." or "..")
            {
                throw GacException.Create(DiagnosticCatalogue.CheckpointShardMissing, $"'{IndexFileName}' names shard '{shard}', which is not a file name " +
                    $"inside '{folderFull}'.", new SourceLocation(indexPath));
            }

            var shardPath = Path.Combine(folderFull, shard);
            if (!File.Exists(shardPath))
            {
                throw GacException.Create(DiagnosticCatalogue.CheckpointShardMissing, $"'{IndexFileName}' names shard '{shard}', which is missing from " +
                    $"'{folderFull}'.", new SourceLocation(indexPath));
            }

            shardFiles.Add(shardPath);
        }

        return FromFiles(folder, shardFiles, weightMap, indexPath);
    }

    private static SafetensorsCheckpoint FromFiles(string source, IReadOnlyList<string> files, Dictionary<string, string>? weightMap, string? indexPath)
    {
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var file in files)
            {
                var opened = SafetensorsFile.Open(file);
                shards[Path.GetFileName(file)] = opened;
                foreach (var name in opened.Entries.Keys)
                {
                    // With an index, the index decides which shard owns a tensor (HF's loader does the same).
                    if (weightMap is null || (weightMap.TryGetValue(name, out var owner) && owner == Path.GetFileName(file)))
                    {
                        byTensor[name] = opened;
                    }
                }
            }

            if (weightMap is not null && weightMap.Keys.FirstOrDefault(n => !byTensor.ContainsKey(n)) is { } lost)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.CheckpointIndexMalformed,
                    $"'{IndexFileName}' puts tensor '{lost}' in '{weightMap[lost]}', which does not contain it.",
                    new SourceLocation(Path.Combine(source, IndexFileName)));
            }
        }
        catch
        {
            foreach (var shard in shards.Values)
            {
                shard.Dispose();
            }

            throw;
        }

        return new SafetensorsCheckpoint(source, shards, byTensor, indexPath);
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw GacException.Create(DiagnosticCatalogue.CheckpointIndexMalformed, $"'{IndexFileName}' has no \"weight_map\" object.",
                    new SourceLocation(indexPath));
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                weightMap[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                    ? entry.Value.GetString()!
                    : throw GacException.Create(DiagnosticCatalogue.CheckpointIndexMalformed,
                        $"'{IndexFileName}': weight_map[\"{entry.Name}\"] is not a file name.", new SourceLocation(indexPath));
            }

            return weightMap;
        }
        catch (JsonException e)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointIndexMalformed, $"'{IndexFileName}' is not valid JSON: {e.Message}",
                new SourceLocation(indexPath), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointFileUnreadable, $"Cannot read '{indexPath}': {e.Message}", new SourceLocation(indexPath),
                e);
        }
    }
}
