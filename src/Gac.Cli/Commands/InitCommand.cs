using Gac.Core.Spec;
using Gac.Pipeline.Inspection;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build init</c>: writes a commented starter gac.yaml (and the schema beside it, so editors
/// complete and validate offline). It reads the model's header so the starter's gate and dims fit the
/// model; in a folder without a model it writes the starter for "model.onnx" and says so. Never
/// overwrites an existing spec unless asked.
/// </summary>
public sealed class InitCommand : GacCommand
{
    /// <summary>What the starter names when there is no model yet: the user drops it here or edits model.path.</summary>
    public const string PlaceholderModel = "model.onnx";

    private readonly Option<string?> _model = CliOptions.Text(
        "--model",
        "path",
        "The model to compress: an .onnx file or a Hugging Face folder (default: the only .onnx file, or the Hugging Face checkpoint, "
        + "in the current folder; else model.onnx, to be put there).");
    private readonly Option<string?> _tokens =
        CliOptions.Text("--tokens", "path", "Token ids of real text for a language model: calibration, and the held-out perplexity goal.");
    private readonly Option<ExecutionProviderChoice?> _provider =
        CliOptions.Provider("Where validation runs", "Default auto. With cuda the gate also requires the GAC variant not to be slower than the unaligned one.");
    private readonly Option<string?> _output = CliOptions.Text("--output", "path", "Where to write the spec (default gac.yaml).");
    private readonly Option<string?> _export = CliOptions.Text("--export", "path", "Where the compressed model goes (default out/<model>.gac.onnx).");
    private readonly Option<bool> _force = CliOptions.Flag("--force", "Overwrite an existing spec.");

    public InitCommand(CliHost host)
        : base(host, "init", "Write a commented starter gac.yaml with goals that fit the model.")
    {
        Declare([_model, _tokens, _provider, _output, _export, _force]);
    }

    protected override int Execute(CommandContext context)
    {
        var specPath = context.FullPath(context.Get(_output) ?? "gac.yaml");
        var specFolder = Path.GetDirectoryName(specPath)!;
        if (File.Exists(specPath) && !context.Get(_force))
        {
            throw ArgumentErrors.Create($"'{Path.GetFileName(specPath)}' already exists; pass --force to overwrite it.");
        }

        var provider = context.Get(_provider) ?? ExecutionProviderChoice.Auto;
        var tokens = context.Get(_tokens) is { } t ? context.ExistingFile(t, "Token file") : null;

        var named = context.Get(_model) ?? FindModel(context.WorkingDirectory);
        var model = context.FullPath(named ?? PlaceholderModel);
        if (named is not null && !File.Exists(model) && !Directory.Exists(model))
        {
            throw GacException.Create(DiagnosticCatalogue.InputFileNotFound, $"model '{named}' does not exist.", new SourceLocation(named));
        }

        var header = named is null ? null : ModelHeader.Read(ModelAt(model, specFolder));
        var starter = new StarterModel(
            IsLanguageModel: header?.IsLanguageModel ?? false,
            TokensPath: tokens is null ? null : Relative(specFolder, tokens),
            Dims: header?.SymbolicDims,
            Provider: provider);
        var modelReference = Relative(specFolder, model);
        var export = context.Get(_export) ?? $"out/{Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(model))}.gac.onnx";

        Directory.CreateDirectory(specFolder);
        File.WriteAllText(specPath, StarterSpec.Render(modelReference, export, starter));
        File.WriteAllText(Path.Combine(specFolder, GacSchema.FileName), GacSchema.Text);

        var shown = Path.GetRelativePath(context.WorkingDirectory, specPath);
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new
            {
                spec = specPath,
                schema = Path.Combine(specFolder, GacSchema.FileName),
                model,
                modelFound = named is not null,
                languageModel = starter.IsLanguageModel,
            }));
        }
        else
        {
            context.Out.WriteLine($"wrote {shown} (and {GacSchema.FileName} beside it for editor completion)");
            if (named is null)
            {
                context.Out.WriteLine($"no model in this folder yet: put your .onnx model at {modelReference}, or edit model.path in {shown}");
            }
            else if (starter.IsLanguageModel && tokens is null)
            {
                context.Out.WriteLine("a language model: pass --tokens <file> (token ids of real text) for a held-out perplexity goal; " +
                    "the starter gates on the logits meanwhile");
            }

            context.Out.WriteLine($"next: gac-build check {shown}");
        }

        return ExitCodes.Success;
    }

    private static ModelSpec ModelAt(string fullPath, string specFolder)
    {
        var format = Directory.Exists(fullPath) ? ModelFormat.HfSafetensors : ModelFormat.Onnx;
        return new ModelSpec(new SpecPath(Relative(specFolder, fullPath), fullPath), format, ModelFormat.Auto);
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    /// <summary>The only .onnx file in the folder, else the folder itself when it is a Hugging Face checkpoint, else none.</summary>
    private static string? FindModel(string folder)
    {
        var models = Directory.EnumerateFiles(folder, "*.onnx").ToList();
        if (models.Count > 1)
        {
            throw ArgumentErrors.Create($"{models.Count} .onnx files in the current folder; choose one with --model <path>.");
        }

        if (models.Count == 1)
        {
            return models[0];
        }

        return File.Exists(Path.Combine(folder, "config.json")) && Directory.EnumerateFiles(folder, "*.safetensors").Any() ? folder : null;
    }
}
