using System.Text.Json;
using GenAiChat;
using Microsoft.ML.OnnxRuntimeGenAI;

// Greedy text from a gac-build artifact folder (model + genai_config.json + tokenizer files) with
// ONNX Runtime GenAI: each prompt alone, and all prompts as one padded batch.
if (!ChatOptions.TryParse(args, out var options, out var usage))
{
    Console.Error.WriteLine(usage);
    return 2;
}

try
{
    using var config = new Config(options.ModelFolder);
    if (options.Provider != "cpu")
    {
        // The CPU package runs everything on the CPU; "cuda" needs the Microsoft.ML.OnnxRuntimeGenAI.Cuda package instead.
        config.ClearProviders();
        config.AppendProvider(options.Provider);
    }

    using var model = new Model(config);
    using var tokenizer = new Tokenizer(model);
    var generation = new GreedyGeneration(model, tokenizer, options.MaxLength);
    var results = generation.Run(options.Prompts);
    if (options.Json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new { model_type = model.GetModelType(), results }));
    }
    else
    {
        foreach (var result in results)
        {
            Console.WriteLine($"> {result.prompt}");
            Console.WriteLine(result.text);
        }
    }

    return 0;
}
catch (OnnxRuntimeGenAIException e)
{
    Console.Error.WriteLine($"genai-chat: ONNX Runtime GenAI refused '{options.ModelFolder}': {e.Message}");
    return 2;
}
