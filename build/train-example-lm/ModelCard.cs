using System.Globalization;

namespace Gac.Examples.TrainLm;

/// <summary>The checkpoint's README.md: provenance, architecture, settings and the measured numbers of this run.</summary>
public sealed record ModelCard(
    TrainingOptions Options,
    LlamaConfig Config,
    FortuneCorpus Corpus,
    TrainingRun Run,
    long Parameters,
    double HeldOutPerplexity,
    long HeldOutPredictions,
    double TrainSamplePerplexity,
    double UnigramPerplexity,
    long WeightsBytes,
    string WeightsSha256)
{
    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture, $$"""
        # tiny-llama: a small trained Llama language model

        A real, trained (not synthetic) language model for the pipeline's language-model examples and
        tests: Hugging Face `LlamaForCausalLM` architecture, float32, byte-level, trained from scratch
        on fortune-cookie text. It is tiny and knows only spelling and short-range English; its job is to
        have real weights whose perplexity a compressor can damage measurably.

        ## How it was made

        ```bash
        bash build/train-example-lm/train.sh
        ```

        The script downloads the Debian package `fortunes-min` with `apt-get download`, unpacks it with
        `dpkg -x` into a temporary folder (no root, nothing installed), builds
        `build/train-example-lm` and runs it with `--steps {{Options.Steps}} --batch {{Options.Batch}} --seed {{Options.Seed}} --threads {{Options.Threads}}`,
        which writes every file in this folder, this README included.

        ## Corpus and licence

        The fortune files `{{string.Join("`, `", TrainingOptions.CorpusFiles)}}` of Debian's `fortunes-min`
        (fortune-mod 1.99.1). Its `/usr/share/doc/fortunes-min/copyright` puts the package under the
        BSD licence of the Regents of the University of California (advertising clause deleted); the
        package is in Debian main. Entries are separated by `%` lines in the files; the separators are
        removed and entries joined by a blank line. The last {{FortuneCorpus.HeldOutFraction:P0}} of each
        file's entries are held out: {{Corpus.TrainEntries}} entries / {{Corpus.Train.Length:N0}} bytes train,
        {{Corpus.HeldOutEntries}} entries / {{Corpus.HeldOut.Length:N0}} bytes held out.

        ## Tokenizer

        Byte-level, vocabulary 256: token id = byte value, no special token (no BOS/EOS). `tokenizer.json`
        states it in the Hugging Face tokenizers format, so `calibration.text` (and any HF-compatible
        loader) tokenizes real text exactly as the model was trained: a BPE model with no merges behind a
        ByteLevel pre-tokenizer, whose 256 vocabulary entries are GPT-2's byte-to-character table with
        id = byte value — any text encodes to exactly its UTF-8 bytes. `tokenizer_config.json` names the
        class that reads it (GPT-2's byte-level BPE, nothing added), as ONNX Runtime GenAI's tokenizer needs;
        `generation_config.json` declares byte 0 (NUL, which text never contains) as eos and pad, so
        generation runs to its length limit.

        ## Architecture (`config.json`)

        | | |
        |---|---|
        | layers | {{Config.NumHiddenLayers}} |
        | hidden size | {{Config.HiddenSize}} |
        | attention heads / key-value heads | {{Config.NumAttentionHeads}} / {{Config.NumKeyValueHeads}} (GQA, head_dim {{Config.HeadDim}}) |
        | MLP (SiLU-gated) intermediate size | {{Config.IntermediateSize}} |
        | context (max_position_embeddings) | {{Config.MaxPositionEmbeddings}} |
        | RMSNorm eps | {{Config.RmsNormEps:G}} |
        | RoPE theta | {{Config.RopeTheta:G}} (rotate_half convention of HF `LlamaRotaryEmbedding`) |
        | vocabulary | {{Config.VocabSize}} |
        | lm_head | untied (`tie_word_embeddings: false`) |
        | parameters | {{Parameters:N0}} |

        `model.safetensors` ({{WeightsBytes:N0}} bytes, F32) uses Hugging Face tensor names and layouts:
        `model.embed_tokens.weight` [vocab, hidden]; per layer `model.layers.{i}.input_layernorm.weight`,
        `self_attn.{q,k,v,o}_proj.weight`, `post_attention_layernorm.weight`, `mlp.{gate,up,down}_proj.weight`,
        Linear weights stored [out_features, in_features]; `model.norm.weight`; `lm_head.weight` [vocab, hidden].

        ## Training

        TorchSharp on CPU ({{Options.Threads}} threads), {{Run.Steps}} steps of {{Options.Batch}} random windows of
        {{Config.MaxPositionEmbeddings}} bytes from the training split; next-byte cross-entropy; AdamW (betas 0.9 / 0.95,
        weight decay {{Options.WeightDecay}} on matrices, none on norm gains), peak learning rate {{Options.PeakLearningRate:G}}
        with {{Options.WarmupSteps}} linear warm-up steps and cosine decay to 10%; gradient norm clipped at
        {{Options.GradientClip:G}}; initial weights N(0, 0.02), norm gains 1; seed {{Options.Seed}}.

        ## Measured

        Perplexity is measured as gac-build's perplexity gate measures it (the same code,
        `PerplexityAccumulator`): the text cut into consecutive windows of {{Config.MaxPositionEmbeddings}} bytes, each window
        scored from its own first byte, exp of the mean next-byte negative log-likelihood. A gac-build
        report on `heldout.tokens` therefore shows the same quantity on a sub-range of these windows.

        | | per-byte perplexity |
        |---|---|
        | this model, held-out ({{HeldOutPredictions:N0}} predictions in {{Corpus.HeldOut.Length / Config.MaxPositionEmbeddings}} windows) | **{{HeldOutPerplexity:F3}}** |
        | this model, a training sample of the same length | {{TrainSamplePerplexity:F3}} |
        | unigram baseline (training byte frequencies, add-one smoothing), held-out, same windows | {{UnigramPerplexity:F3}} |

        Training loss: {{Run.FirstLoss:F3}} at the first step, {{Run.FinalLoss:F3}} averaged over the last
        {{Options.LogEvery}} steps. Training time {{Run.Elapsed.TotalSeconds:F0}} s wall clock, {{Run.ProcessorTime.TotalSeconds:F0}} s of CPU time
        ({{Options.Threads}} intra-op thread(s), a shared 2-core Debian 12 machine).

        ## Reproducibility

        `model.safetensors` SHA-256: `{{WeightsSha256}}`. The seed fixes the initial weights (torch's
        generator) and the batches (System.Random); with the same thread count and libtorch build
        (libtorch-cpu-linux-x64 2.10.0) a rerun is expected to give the same file. libtorch chooses
        vectorised CPU kernels (AVX2 / AVX-512) at run time, so another CPU may differ in low-order bits
        and the perplexities above in the third decimal.

        ## Token files

        - `heldout.tokens`: the first {{Math.Min(Options.TokenFileLength, Corpus.HeldOut.Length):N0}} held-out token ids, for
          perplexity gates (`calibration.tokens` format: whitespace-separated ids, one window per line).
        - `calib.tokens`: the first {{Math.Min(Options.TokenFileLength, Corpus.Train.Length):N0}} training token ids, for calibration.
        - `heldout.txt`: the text of `heldout.tokens` (the same bytes), for `calibration.text`.

        """);
}
