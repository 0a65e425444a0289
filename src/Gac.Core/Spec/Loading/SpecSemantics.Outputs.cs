using Gac.Core.Diagnostics;

namespace Gac.Core.Spec.Loading;

/// <summary>The export, validation and gate sections' cross-field rules.</summary>
internal sealed partial class SpecSemantics
{
    private void CheckExport()
    {
        if (Path("export", "path") is not { } export)
        {
            return;
        }

        if (Get("model", "path") is { } modelToken && Text(modelToken) is { } modelText
            && SpecPaths.TryResolve(modelText, baseDirectory, out var model)
            && string.Equals(model.FullPath, export.FullPath, StringComparison.Ordinal))
        {
            Fail(Get("export", "path")!, DiagnosticCatalogue.SpecConflictingOptions, $"export.path '{export.Text}' is the model being compressed; writing " +
                $"there would destroy the input. Choose another file, e.g. '{System.IO.Path.ChangeExtension(export.Text, ".gac.onnx")}'.");
        }
        else if (Directory.Exists(export.FullPath))
        {
            Fail(Get("export", "path")!, DiagnosticCatalogue.SpecConflictingOptions, $"export.path '{export.Text}' is an existing folder; give the .onnx " +
                $"file name to write inside it.");
        }
    }

    private void CheckValidation()
    {
        if (Path("validation", "ort_native_path") is not { } native)
        {
            return;
        }

        var token = Get("validation", "ort_native_path")!;
        if (!Directory.Exists(native.FullPath))
        {
            NotFound(token, native, "validation.ort_native_path", "the folder holding a GPU build of libonnxruntime.so");
        }
        else if (Text(Get("validation", "provider")) == "cpu")
        {
            Warn(token, "validation.ort_native_path is ignored because validation.provider is cpu (the bundled CPU runtime is used). Remove it, or set " +
                "provider to cuda or auto.");
        }
    }

    private void CheckGate()
    {
        if (Get("gate", "max_perplexity_increase") is { } perplexity && Get("calibration", "tokens") is null && Get("calibration", "text") is null)
        {
            Fail(perplexity, DiagnosticCatalogue.SpecConflictingOptions, "gate.max_perplexity_increase needs token data: perplexity is measured on held-out " +
                "token sequences from calibration.tokens or calibration.text, neither of which is set. Add one, or gate on max_relative_error / min_cosine " +
                "instead.");
        }

        if (Get("validation", "pooling") is { } pooling && Text(pooling) is "mean" or "cls" && Get("calibration", "text") is null)
        {
            Warn(pooling, "validation.pooling is ignored: sentence pooling needs the attention mask of real sentences from calibration.text, which is not " +
                "set. Remove it, or add calibration.text.");
        }

        if (Get("gate", "min_speedup_vs_unaligned") is { } unaligned && Text(Get("alignment", "strategy")) == "none")
        {
            Fail(unaligned, DiagnosticCatalogue.SpecConflictingOptions, "gate.min_speedup_vs_unaligned cannot be met when alignment.strategy is none: the " +
                "aligned and unaligned models are then the same. Remove the check, or choose a strategy such as gac.");
        }
    }
}
