using Microsoft.ML.OnnxRuntimeGenAI;

namespace GenAiChat;

/// <summary>One prompt's outcome: its token ids, the tokens generated for it alone and in the batch, and the text alone.</summary>
#pragma warning disable SA1300, IDE1006 // JSON field names, read by the tests that run this app
internal sealed record PromptResult(string prompt, int[] prompt_ids, int[] single, int[] batched, string text);
#pragma warning restore SA1300, IDE1006

/// <summary>Greedy search (GenAI's default: no sampling, one beam) up to a total length.</summary>
internal sealed class GreedyGeneration(Model model, Tokenizer tokenizer, int maxLength)
{
    public IReadOnlyList<PromptResult> Run(IReadOnlyList<string> prompts)
    {
        var encoded = prompts.Select(p =>
        {
            using var sequences = tokenizer.Encode(p);
            return sequences[0].ToArray();
        }).ToList();
        var single = encoded.Select(Alone).ToList();
        var batched = Together(prompts);
        return prompts.Select((p, i) => new PromptResult(p, encoded[i], single[i], batched[i], tokenizer.Decode(single[i]))).ToList();
    }

    /// <summary>The tokens generated after the prompt, run alone.</summary>
    private int[] Alone(int[] prompt)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", maxLength);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(prompt);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        return generator.GetSequence(0)[prompt.Length..].ToArray();
    }

    /// <summary>
    /// All prompts as one batch: GenAI pads them to the longest and feeds an attention mask, so each
    /// row should generate what it generates alone. A row's sequence is its prompt, padding and generated tokens.
    /// </summary>
    private List<int[]> Together(IReadOnlyList<string> prompts)
    {
        using var sequences = tokenizer.EncodeBatch([.. prompts]);
        var width = Enumerable.Range(0, prompts.Count).Max(i => sequences[(ulong)i].Length);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", maxLength);
        parameters.SetSearchOption("batch_size", prompts.Count);
        using var generator = new Generator(model, parameters);
        generator.AppendTokenSequences(sequences);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        return Enumerable.Range(0, prompts.Count).Select(i => generator.GetSequence((ulong)i)[width..].ToArray()).ToList();
    }
}
