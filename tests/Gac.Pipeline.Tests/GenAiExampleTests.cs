using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;
using Gac.Core.Spec;
using Gac.Onnx.Exporters;
using Gac.Runtime.Generation;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Tests;

/// <summary>
/// examples/genai-chat, built and run as its own process (ONNX Runtime GenAI brings the CPU build of
/// ONNX Runtime, which must not load beside our GPU build), on the trained example model exported
/// generation-ready, uncompressed and as the ASVD + GAC artifact: GenAI's greedy tokens are the tokens
/// of a plain ONNX Runtime greedy loop over the same file, its tokenizer gives the model's byte ids,
/// and a padded batch of prompts generates what each prompt generates alone.
/// </summary>
public sealed class GenAiExampleTests : IClassFixture<GenAiExampleTests.Artifacts>
{
    private const int MaxLength = 48;

    /// <summary>Of three lengths, so the batch pads two of them.</summary>
    private static readonly string[] Prompts = ["The ", "Q: What is the difference between a", "A man"];

    private readonly Artifacts _artifacts;

    public GenAiExampleTests(Artifacts artifacts) => _artifacts = artifacts;

    [Theory]
    [InlineData("original")]
    [InlineData("gac")]
    public void GenAI_generates_the_tokens_of_a_plain_ONNX_Runtime_greedy_loop_alone_and_in_a_padded_batch(string variant)
    {
        var folder = Path.Combine(_artifacts.Root, variant);
        var results = _artifacts.RunExample(folder);

        using var session = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1)).Open(ModelIn(folder));
        var decoder = new GreedyDecoder(session);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var result = results[i]!;
            var promptIds = Ids(result["prompt_ids"]);
            Assert.Equal(Encoding.UTF8.GetBytes(Prompts[i]).Select(b => (long)b), promptIds);

            var expected = decoder.Generate(promptIds, MaxLength, endTokens: [0]);
            Assert.Equal(MaxLength - promptIds.Length, expected.Count);
            Assert.Equal(expected, Ids(result["single"]));

            // The batch is padded to its longest prompt and max_length counts the padded row, so each
            // row generates MaxLength − longest tokens: the first ones it generates alone.
            var batched = Ids(result["batched"]);
            Assert.Equal(MaxLength - Prompts.Max(p => Encoding.UTF8.GetByteCount(p)), batched.Length);
            Assert.Equal(expected.Take(batched.Length), batched);
        }
    }

    [Fact]
    public void The_compressed_artifact_folder_is_what_the_pipeline_published()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_artifacts.Root, "gac", GenAiConfig.FileName)))!;

        Assert.Equal("tiny-llama.gac.onnx", (string?)config["model"]!["decoder"]!["filename"]);
        Assert.Equal((128, 0), ((int)config["model"]!["context_length"]!, (int)config["model"]!["eos_token_id"]!));
        Assert.All(["tokenizer.json", "tokenizer_config.json"], f => Assert.True(File.Exists(Path.Combine(_artifacts.Root, "gac", f)), f));
    }

    private static string ModelIn(string folder) => Directory.EnumerateFiles(folder, "*.onnx").Single();

    private static long[] Ids(JsonNode? node) => node!.AsArray().Select(n => (long)n!).ToArray();

    /// <summary>The two artifact folders and the built example, made once for the class.</summary>
    public sealed class Artifacts : IDisposable
    {
        private static readonly string Repository = FindRepository();

        public Artifacts()
        {
            Root = Directory.CreateTempSubdirectory("gac-genai-example-").FullName;
            ExportOriginal(Path.Combine(Root, "original"));
            CompressAsync(Path.Combine(Root, "gac")).GetAwaiter().GetResult();
            var build = RunProcess("dotnet", ["build", Path.Combine(Repository, "examples", "genai-chat"), "-c", "Release", "-nologo", "-v", "q"]);
            Assert.True(build.ExitCode == 0, build.Output);
        }

        public string Root { get; }

        public JsonArray RunExample(string folder)
        {
            var app = Path.Combine(Repository, "examples", "genai-chat", "bin", "Release", "net10.0", "GenAiChat.dll");
            var run = RunProcess("dotnet", [app, folder, "--json", "--max-length", MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Prompts]);
            Assert.True(run.ExitCode == 0, run.Output);
            return JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!["results"]!.AsArray();
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);

        /// <summary>The uncompressed checkpoint, exported as the pipeline exports it, with the files GenAI reads.</summary>
        private static void ExportOriginal(string folder)
        {
            var checkpoint = Path.Combine(Repository, "examples", "models", "tiny-llama");
            var config = TransformerConfigReader.Load(Path.Combine(checkpoint, "config.json"));
            using var weights = SafetensorsCheckpoint.Open(checkpoint);
            var export = CheckpointExporter.Export(config, weights, Path.Combine(folder, "model.onnx"), new CheckpointExportOptions { PastKeyValues = true, AttentionMask = true, FlushToDisk = false });
            var graph = Onnx.OnnxModelFile.Load(export.ModelPath).Model.Graph;
            File.WriteAllText(Path.Combine(folder, GenAiConfig.FileName), GenAiConfig.Create(config, checkpoint, "model.onnx", graph.Input.Select(i => i.Name).ToList(), graph.Output.Select(o => o.Name).ToList()));
            foreach (var file in GenAiConfig.TokenizerFiles(checkpoint))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }

        /// <summary>examples/language-model/gac-genai.yaml with fewer samples and iterations (CI time).</summary>
        private static async Task CompressAsync(string folder)
        {
            var models = Path.Combine(Repository, "examples", "models", "tiny-llama");
            var spec = Path.Combine(folder, "..", "gac-genai.yaml");
            File.WriteAllText(spec, $"""
                version: 1
                model:
                  path: {models}
                  past_kv: true
                  attention_mask: true
                calibration:
                  samples: 2
                  text: {Path.Combine(models, "heldout.txt")}
                  dims: {"{"} batch: 1, seq: 128 {"}"}
                compress:
                  method: asvd
                  ratio: 0.15
                alignment:
                  strategy: gac
                  profile: generic-8
                export:
                  path: {Path.Combine(folder, "tiny-llama.gac.onnx")}
                  genai: true
                validation:
                  provider: cpu
                  warmup: 1
                  iterations: 3
                  heldout_samples: 2
                gate:
                  min_cosine: 0.9
                report:
                  formats: [json]
                """);
            var result = await GacPipeline.RunAsync(GacSpecLoader.Load(spec));
            Assert.True(result.Accepted, string.Join("; ", result.Report.Gate.Goals.Select(g => g.Reason)));
        }

        private static (int ExitCode, string Output) RunProcess(string file, IEnumerable<string> arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repository };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The test host's MSBuild variables would point a child build at the test's own build.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
            }

            return (process.ExitCode, output + error.Result);
        }

        private static string FindRepository()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"Gac.Build.sln not found above {AppContext.BaseDirectory}.");
        }
    }
}
