using System.Text.RegularExpressions;
using Gac.Core.Spec;

namespace Gac.Core.Tests.Scripts;

/// <summary>
/// build/gpu-acceptance.sh writes its gac.yaml from a heredoc; that spec must load for both the GPU
/// run and --cpu-dry-run (a spec the loader refuses would only show on the first GPU machine).
/// The whole dry run takes minutes (measured 2 min 55 s here), so the suite checks the spec it writes.
/// </summary>
public sealed partial class GpuAcceptanceSpecTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "gac-gpu-acceptance-spec-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData("cpu", 32, 2, 1, 5, "false")]
    [InlineData("cuda", 1024, 4, 10, 100, "true")]
    public void The_spec_the_script_writes_loads_with_a_kv_cache_export_and_the_prefill_shape(string provider, int seq, int calib, int warmup, int iterations,
        string cudaGraph)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryRoot(), "build", "gpu-acceptance.sh"));
        var yaml = Heredoc().Match(script).Groups["yaml"].Value
            .Replace("$provider", provider, StringComparison.Ordinal)
            .Replace("$seq", seq.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$calib", calib.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$warmup", warmup.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$iterations", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$cuda_graph", cudaGraph, StringComparison.Ordinal);
        Assert.DoesNotContain("$", yaml, StringComparison.Ordinal);
        // The checkpoint the script generates: a Hugging Face folder (the loader checks that the files exist).
        Directory.CreateDirectory(Path.Combine(_work, "checkpoint"));
        File.WriteAllText(Path.Combine(_work, "checkpoint", "config.json"), "{}");
        File.WriteAllText(Path.Combine(_work, "checkpoint", "model.safetensors"), "");
        var specPath = Path.Combine(_work, "gac.yaml");
        File.WriteAllText(specPath, yaml);

        var result = GacSpecLoader.TryLoad(specPath);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Select(d => d.ToCanonicalString())));
        var validation = result.Spec!.Validation;
        // A k/v-cache export: validation times a decode step (1 token at context seq - 1) beside this prefill.
        Assert.True(result.Spec.Model.PastKeyValues);
        Assert.Equal([(long)seq], validation.Shapes.Select(s => s["seq"]));
        Assert.Equal(cudaGraph == "true", validation.CudaGraph);
        Assert.Equal(ExportDType.Fp16, result.Spec.Export.DType);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [GeneratedRegex("<<YAML\\n(?<yaml>.*?)\\nYAML\\n", RegexOptions.Singleline)]
    private static partial Regex Heredoc();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gac.Build.sln not found");
    }
}
