using System.Globalization;
using System.Text;

namespace Gac.Core.Spec;

/// <summary>What <c>gac-build init</c> learnt about the model, so the starter's goals and dims fit it.</summary>
/// <param name="IsLanguageModel">A causal LM (a Hugging Face folder, or an ONNX graph with an integer input_ids input): its quality is perplexity or
/// logits.</param>
/// <param name="TokensPath">Token ids for calibration and held-out perplexity (relative to the spec), when the user named them.</param>
/// <param name="Dims">Every symbolic dimension of the model's inputs, in order of appearance; the starter binds each one explicitly.</param>
/// <param name="Provider">Where validation runs; with cuda the starter adds the latency goal.</param>
public sealed record StarterModel(
    bool IsLanguageModel = false,
    string? TokensPath = null,
    IReadOnlyList<string>? Dims = null,
    ExecutionProviderChoice Provider = ExecutionProviderChoice.Auto)
{
    /// <summary>Batch-like names get 1, a k/v-cache length 0 (an empty past: prefill), any other 128 tokens.</summary>
    public static long StarterValue(string dim)
        => dim.Contains("batch", StringComparison.OrdinalIgnoreCase) ? 1
            : dim.StartsWith("past", StringComparison.OrdinalIgnoreCase) ? 0
            : 128;
}

/// <summary>
/// The commented gac.yaml that <c>gac-build init</c> writes. It loads without errors whenever the
/// model path exists, and explains every section so the file doubles as documentation. Its gate is
/// never empty: alignment, a quality bound suited to the model kind (held-out perplexity for a
/// language model with token ids, else cosine and relative error of the outputs) and, when
/// validation runs on a GPU, "the GAC variant is not slower than the unaligned one" judged on the
/// latency ratio's confidence interval, which is what the product promises.
/// </summary>
public static class StarterSpec
{
    /// <summary>
    /// Renders the starter with a relative schema reference, <see cref="GacSchema.FileName"/>: there is
    /// no published schema URL, and a relative reference keeps editors working offline and pinned to
    /// the gac-build version that wrote the spec. <c>init</c> should write <see cref="GacSchema.Text"/>
    /// beside the new gac.yaml.
    /// </summary>
    public static string Render(string modelPath, string exportPath, StarterModel? model = null)
        => Render(modelPath, exportPath, GacSchema.FileName, model);

    /// <summary>An ONNX model keeps its own opset, so the starter sets one only for a Hugging Face folder (GAC0030 otherwise).</summary>
    private static string OpsetLine(string modelPath)
        => modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? "# opset: 17                # Hugging Face folders only: an ONNX model keeps its own opset"
            : "opset: 17                  # 17 to 23";

    /// <param name="schemaReference">What follows <c>$schema=</c> in the yaml-language-server comment: a path relative to gac.yaml, or a URL.</param>
    public static string Render(string modelPath, string exportPath, string schemaReference, StarterModel? model = null)
    {
        model ??= new StarterModel();
        var samples = model.TokensPath is null ? "32" : "8   ";
        var samplesNote = model.TokensPath is null ? "inputs" : "token windows of batch x seq; held-out windows follow them";
        var text = new StringBuilder();
        text.Append("# yaml-language-server: $schema=").Append(schemaReference).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $$"""
            # gac.yaml: compress a model, align its dimensions to what the GPU runs fast, and prove the result.
            # Relative paths are resolved against the folder that holds this file.
            # Check it with `gac-build check gac.yaml`, run it with `gac-build run gac.yaml`.
            version: 1

            # The model to compress: an .onnx file, or a Hugging Face folder (config.json + *.safetensors).
            model:
              path: {{Quote(modelPath)}}
              format: auto                # auto | onnx | hf-safetensors

            # Inputs used to measure activations (ASVD scaling, pruning importance) and check fidelity.
            # Give at most one source; validation and benchmarks use the same one. With none, inputs are
            # generated from the model's graph: ids below the table they index, masks 1, token types 0.
            calibration:
              samples: {{samples}}                # {{samplesNote}}
              seed: 1234
              mode: auto                  # auto | whole-model | block-wise (one transformer block at a time, for models larger than memory)
              # text: data/sentences.txt                 # real text (.txt or .jsonl), tokenized by the model's tokenizer
              # tokenizer: vocab.txt                     # for an ONNX model: vocab.txt | tokenizer.model | tokenizer.json
            {{Tokens(model)}}
              # npy: { input_ids: data/input_ids.npy }     # one .npy tensor per graph input
              # inputs:                                  # a seeded generator per graph input
              #   - { name: pixel_values, shape: [1, 3, 48, 320], dtype: float32, min: -1.0, max: 1.0 }
            {{Dims(model)}}

            # The compressor GAC wraps, and the fraction of linear-layer parameters it removes.
            compress:
              method: asvd                # asvd | svd | prune | none
              ratio: 0.15                 # 0 <= ratio < 1
              asvd:
                alpha: 0.5                # activation scaling exponent (ASVD paper: 0.5)
                allocation: spectrum      # spectrum | output-error
              # prune: { targets: [mlp, heads], keep_first_blocks: 0, keep_last_blocks: 0 }   # for method: prune

            # Make every compressed dimension a multiple the GPU likes, under the same parameter budget.
            alignment:
              strategy: gac               # gac | round-up | round-nearest | round-down | none
              profile: generic-8          # generic-8 | nvidia-ampere-fp16 | nvidia-hopper-fp16 | int8-16 | a profile below
              window: 4                   # candidates within +/- 4 aligned steps of the compressor's choice
              objective: auto             # auto | paper | spectrum
              # multiple: 16              # override the profile's required multiple (power of two)
              # profiles:
              #   - { name: my-gpu, multiple: 8, preferred_multiple: 64, head_dim_multiple: 8, sm_count: 132 }

            # Where the compressed model is written (only when the gate accepts it).
            export:
              path: {{Quote(exportPath)}}
              dtype: auto                 # auto (the checkpoint's precision; fp32 for ONNX) | fp32 | fp16 | bf16
              {{OpsetLine(modelPath)}}
              external_data: auto         # auto (only above 2 GB) | always | never

            # How the result is measured before the gate decides.
            validation:
              provider: {{SpecEnumText.ToText(model.Provider)}}{{new string(' ', 16 - SpecEnumText.ToText(model.Provider).Length)}}# auto | cuda | cpu
              # ort_native_path: /opt/onnxruntime-gpu/lib   # folder with a GPU build of libonnxruntime.so
              # shapes: [{ batch: 1, seq: 128 }]
              warmup: 10
              iterations: 100
              heldout_samples: 16
              sessions: auto              # auto | together | one-at-a-time (models larger than a third of memory)
              fidelity: auto              # auto | whole-model | layer-wise (block by block: no model loaded whole, no end-to-end numbers)
              pooling: auto               # auto | mean | cls | none: sentence vectors of an encoder fed calibration.text

            # What the result must prove; a missed goal fails the run (exit 1) and nothing is written.
            # A gate with no goal is refused (GAC0070): it would accept anything.
            # Speedups take a factor (1.2) or a percent string ("20%").
            gate:
              min_aligned_percent: 100    # every compressed dimension on the profile's multiple
            {{Quality(model)}}
            {{Latency(model)}}
              # min_speedup_vs_original: 1.0
              # max_p50_latency_ms: 50
              # max_parameters: 1000000

            # Report files: gac.report.json, a Markdown summary, JUnit XML, plots.
            report:
              # directory: out            # default: the export path's folder
              formats: [json, markdown]   # json | markdown | junit | plot

            """);
        return text.ToString();
    }

    private static string Tokens(StarterModel model) => model.TokensPath is { } tokens
        ? $"  tokens: {Quote(tokens)}          # token ids: calibration windows, then held-out perplexity windows"
        : "  # tokens: data/tokens.txt                  # token ids, for language models (enables the perplexity goal)";

    private static string Dims(StarterModel model)
    {
        if (model.Dims is not { Count: > 0 } dims)
        {
            return "  # dims: { batch: 1, seq: 128 }                # a value for each symbolic dimension (batch alone defaults to 1)";
        }

        var values = string.Join(", ", dims.Select(d => string.Create(CultureInfo.InvariantCulture, $"{QuoteKey(d)}: {StarterModel.StarterValue(d)}")));
        return $"  dims: {{ {values} }}   # every symbolic dimension of the model: the sizes you serve";
    }

    private static string Quality(StarterModel model)
    {
        if (model.IsLanguageModel && model.TokensPath is not null)
        {
            return """
                  max_perplexity_increase: "5%" # held-out perplexity at most 5% above the original's
                  # min_cosine: 0.99            # logits' cosine similarity, an extra bound
                """;
        }

        var perplexity = model.IsLanguageModel
            ? "\n  # max_perplexity_increase: \"5%\"   # the better bound for a language model; needs calibration.tokens or text"
            : string.Empty;
        return """
              min_cosine: 0.99            # outputs' cosine similarity on held-out inputs
              max_relative_error: 0.1     # ||y' - y|| / ||y|| on held-out inputs
            """ + perplexity;
    }

    private static string Latency(StarterModel model) => model.Provider == ExecutionProviderChoice.Cuda
        ? """
              min_speedup_vs_unaligned: 1.0   # GAC's promise: not slower than the same compression unaligned,
              speedup_judged_on: ci-upper     # failed only when the latency ratio's 95% CI lies wholly below 1.0
            """
        : """
              # On a GPU (validation.provider: cuda) also require GAC's promise, not slower than unaligned:
              # min_speedup_vs_unaligned: 1.0
              # speedup_judged_on: ci-upper   # failed only when the latency ratio's 95% CI lies wholly below 1.0
            """;

    /// <summary>A dims key in flow style: plain when it is a simple name, else double-quoted.</summary>
    private static string QuoteKey(string name)
        => name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && char.IsAsciiLetter(name[0]) ? name : Quote(name);

    /// <summary>Double-quoted YAML scalar, so paths with spaces, colons or '#' survive.</summary>
    private static string Quote(string value)
    {
        var escaped = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return escaped.Append('"').ToString();
    }
}
