using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build init</c>: writes a commented starter gac.yaml (and the schema beside it, so editors
/// complete and validate offline). Never overwrites an existing spec unless asked.
/// </summary>
public sealed class InitCommand : CliCommand
{
    public override string Name => "init";

    public override string Summary => "Write a commented starter gac.yaml that passes `check`.";

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--model", "The model to compress (default: the only .onnx file in the current folder).", "path"),
        new("--output", "Where to write the spec (default gac.yaml).", "path"),
        new("--export", "Where the compressed model goes (default out/<model>.gac.onnx).", "path"),
        new("--force", "Overwrite an existing spec."),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var specPath = Path.GetFullPath(args.Value("--output") ?? "gac.yaml", context.WorkingDirectory);
        var specFolder = Path.GetDirectoryName(specPath)!;
        if (File.Exists(specPath) && !args.Has("--force"))
        {
            throw ParsedArguments.ArgumentError($"'{Path.GetFileName(specPath)}' already exists; pass --force to overwrite it.");
        }

        var model = Path.GetFullPath(args.Value("--model") ?? FindSingleModel(context.WorkingDirectory), context.WorkingDirectory);
        if (!File.Exists(model) && !Directory.Exists(model))
        {
            throw GacException.Create(DiagnosticCatalogue.InputFileNotFound, $"model '{args.Value("--model")}' does not exist.");
        }

        var modelReference = Path.GetRelativePath(specFolder, model).Replace('\\', '/');
        var export = args.Value("--export") ?? $"out/{Path.GetFileNameWithoutExtension(model)}.gac.onnx";

        Directory.CreateDirectory(specFolder);
        File.WriteAllText(specPath, StarterSpec.Render(modelReference, export));
        File.WriteAllText(Path.Combine(specFolder, GacSchema.FileName), GacSchema.Text);

        var shown = Path.GetRelativePath(context.WorkingDirectory, specPath);
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new { spec = specPath, schema = Path.Combine(specFolder, GacSchema.FileName), model }));
        }
        else
        {
            context.Out.WriteLine($"wrote {shown} (and {GacSchema.FileName} beside it for editor completion)");
            context.Out.WriteLine($"next: gac-build check {shown}");
        }

        return ExitCodes.Success;
    }

    private static string FindSingleModel(string folder)
    {
        var models = Directory.EnumerateFiles(folder, "*.onnx").ToList();
        return models.Count == 1
            ? models[0]
            : throw ParsedArguments.ArgumentError(models.Count == 0
                ? "no .onnx file in the current folder; name the model with --model <path>."
                : $"{models.Count} .onnx files in the current folder; choose one with --model <path>.");
    }
}
