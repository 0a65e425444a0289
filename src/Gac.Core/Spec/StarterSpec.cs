using System.Text;

namespace Gac.Core.Spec;

/// <summary>
/// The commented gac.yaml that <c>gac-build init</c> writes. It loads without errors whenever the
/// model path exists, and explains every section so the file doubles as documentation.
/// </summary>
public static class StarterSpec
{
    /// <summary>
    /// Renders the starter with a relative schema reference, <see cref="GacSchema.FileName"/>: there is
    /// no published schema URL, and a relative reference keeps editors working offline and pinned to
    /// the gac-build version that wrote the spec. <c>init</c> should write <see cref="GacSchema.Text"/>
    /// beside the new gac.yaml.
    /// </summary>
    public static string Render(string modelPath, string exportPath)
        => Render(modelPath, exportPath, GacSchema.FileName);

    /// <param name="schemaReference">What follows <c>$schema=</c> in the yaml-language-server comment: a path relative to gac.yaml, or a URL.</param>
    public static string Render(string modelPath, string exportPath, string schemaReference)
    {
        var text = new StringBuilder();
        text.Append("# yaml-language-server: $schema=").Append(schemaReference).Append('\n');
        text.Append($$"""
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
              samples: 32
              seed: 1234
              # text: data/sentences.txt                 # real text (.txt or .jsonl), tokenized by the model's tokenizer
              # tokenizer: vocab.txt                     # for an ONNX model: vocab.txt | tokenizer.model | tokenizer.json
              # tokens: data/tokens.txt                  # token ids, for language models
              # npy: { input_ids: data/input_ids.npy }     # one .npy tensor per graph input
              # inputs:                                  # a seeded generator per graph input
              #   - { name: pixel_values, shape: [1, 3, 48, 320], dtype: float32, min: -1.0, max: 1.0 }
              # dims: { batch: 1, seq: 128 }                # values for symbolic dimensions

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
              dtype: fp32                 # fp32 | fp16
              opset: 17
              external_data: auto         # auto (only above 2 GB) | always | never

            # How the result is measured before the gate decides.
            validation:
              provider: auto              # auto | cuda | cpu
              # ort_native_path: /opt/onnxruntime-gpu/lib   # folder with a GPU build of libonnxruntime.so
              # shapes: [{ batch: 1, seq: 128 }]
              warmup: 10
              iterations: 100
              heldout_samples: 16
              sessions: auto              # auto | together | one-at-a-time (models larger than a third of memory)
              pooling: auto               # auto | mean | cls | none: sentence vectors of an encoder fed calibration.text

            # What the result must prove; uncomment the checks you want. A missed check fails the run (exit 1).
            # Speedups take a factor (1.2) or a percent string ("20%").
            gate:
              # min_speedup_vs_original: 1.0
              # min_speedup_vs_unaligned: "5%"
              # max_p50_latency_ms: 50
              # max_relative_error: 0.05
              # min_cosine: 0.99
              # max_perplexity_increase: "5%"   # needs calibration.tokens or text
              # min_aligned_percent: 100
              # max_parameters: 1000000

            # Report files: gac.report.json, a Markdown summary, JUnit XML, plots.
            report:
              # directory: out            # default: the export path's folder
              formats: [json, markdown]   # json | markdown | junit | plot

            """);
        return text.ToString();
    }

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
