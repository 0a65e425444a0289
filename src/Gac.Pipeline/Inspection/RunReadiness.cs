using System.Globalization;
using Gac.Compression.Checkpoints;
using Gac.Compression.LowRank;
using Gac.Core.Diagnostics;
using Gac.Core.Gate;
using Gac.Core.Spec;
using Gac.Onnx.Discovery;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// What a run would reject, found before it starts from the spec and the headers of the files it
/// names (no weights, no ONNX Runtime, no libtorch). `check` prints these; `run` refuses to start on
/// any of them, so the two can never disagree about them.
/// </summary>
public static class RunReadiness
{
    public static IReadOnlyList<Diagnostic> Check(GacSpec spec, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new PipelineOptions();
        var found = new List<Diagnostic>();
        var at = new SourceLocation(spec.File.Text);
        if (spec.Gate.IsEmpty)
        {
            found.Add(new Diagnostic(DiagnosticCatalogue.GateHasNoGoals, QualityGate.GateHasNoGoalsMessage, at));
        }

        CheckRatio(spec, found, at);
        if (spec.Validation.Fidelity == FidelityMode.LayerWise && LayerwiseValidation.EndToEndGoals(spec.Gate) is { Count: > 0 } unmeasurable)
        {
            found.Add(new Diagnostic(DiagnosticCatalogue.GoalNeedsEndToEndValidation,
                $"gate: {string.Join(", ", unmeasurable)} compare{(unmeasurable.Count == 1 ? "s" : string.Empty)} an end-to-end number, but " +
                    "validation.fidelity: layer-wise runs no model whole and does not measure it.", at));
        }

        if (spec.Validation.Fidelity == FidelityMode.WholeModel && spec.Gate.MaxBlockRelativeError is not null)
        {
            found.Add(new Diagnostic(DiagnosticCatalogue.BlockGoalNeedsLayerwiseValidation,
                "gate: max_block_relative_error bounds a layer-wise validation's worst block, but validation.fidelity: whole-model measures no block error.",
                at));
        }

        // The run's own output check (GAC5023 an output replaces an input, GAC5024 an output folder is a file), asked early.
        Collect(found, at, () => RunContext.CheckOutputs(RunContext.OutputsOf(spec, options), options, SpecFileSet.Of(spec).Inputs));

        if (spec.Model.Format == ModelFormat.HfSafetensors)
        {
            // config.json against the safetensors headers: the tensors the export would read, with their shapes and dtypes.
            var inventory = CheckpointInventory.Check(spec.Model.Path.FullPath);
            if (inventory.Diagnostics.Count > 0)
            {
                found.AddRange(inventory.Diagnostics);
                return found;
            }
        }

        ModelHeader header;
        try
        {
            header = ModelHeader.Read(spec.Model);
        }
        catch (GacException e)
        {
            found.AddRange(e.Diagnostics);
            return found;
        }

        Collect(found, at, () => CheckDims(spec, header));
        Collect(found, at, () => CheckLayers(spec, header));
        Collect(found, at, () => CalibrationReadiness.Check(spec, header));
        return found;
    }

    /// <summary>Throws every error <see cref="Check"/> finds as one <see cref="GacException"/> (exit 2).</summary>
    public static void ThrowIfNotReady(GacSpec spec, PipelineOptions? options = null)
    {
        var errors = Check(spec, options).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new GacException(errors);
        }
    }

    /// <summary>
    /// ASVD picks each layer's rank from a grid of kept fractions whose smallest is 10%
    /// (<see cref="LayerSensitivity.DefaultRatios"/>), so it cannot remove more than 90% of the
    /// compressible parameters; above that no allocation fits the budget (GAC2001).
    /// </summary>
    private static void CheckRatio(GacSpec spec, List<Diagnostic> found, SourceLocation at)
    {
        var keptAtLeast = LayerSensitivity.DefaultRatios.Min();
        var largest = 1 - keptAtLeast;
        if (spec.Compress.Method == CompressionMethod.Asvd && spec.Compress.Ratio > largest + 1e-12)
        {
            found.Add(new Diagnostic(
                DiagnosticCatalogue.PlanInfeasible,
                string.Create(CultureInfo.InvariantCulture, $"compress.ratio {spec.Compress.Ratio:0.###} asks ASVD to keep " +
                    $"{(1 - spec.Compress.Ratio) * 100:0.#}% of the compressible parameters, but its rank grid keeps at least {keptAtLeast * 100:0}% of " +
                    $"every layer; use compress.ratio ≤ {largest:0.##}, or method svd / prune."),
                at));
        }
    }

    /// <summary>The linear layers discovery finds in an ONNX graph (a checkpoint's come from its config at export).</summary>
    private static void CheckLayers(GacSpec spec, ModelHeader header)
    {
        if (header.Onnx is not { } file)
        {
            return;
        }

        var inventory = LinearLayerDiscovery.Discover(file);
        if (spec.Compress.Method != CompressionMethod.None && ModelImport.SelectCompressible(inventory).Count == 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.NoCompressibleLayers,
                $"'{spec.Model.Path.Text}' has no linear layer with a constant 2-D weight (MatMul or Gemm); there is nothing to compress.",
                new SourceLocation(spec.Model.Path.Text));
        }
    }

    private static void CheckDims(GacSpec spec, ModelHeader header)
    {
        var calibration = DimBinding.Bind(header, spec.Calibration.Dims, DimBinding.KnownShapes(spec.Calibration), "calibration.dims");
        var validation = spec.Validation.Shapes
            .Select(shape => DimBinding.Bind(header, shape, DimBinding.KnownShapes(spec.Calibration), "validation.shapes"))
            .ToList();
        if (spec.Calibration.Source == CalibrationSource.Tokens)
        {
            TokenReadiness.Check(spec, header, calibration, validation.FirstOrDefault() ?? calibration);
        }
    }

    /// <summary>Runs one check; its diagnostics without a file of their own point at the spec.</summary>
    private static void Collect(List<Diagnostic> found, SourceLocation spec, Action check)
    {
        try
        {
            check();
        }
        catch (GacException e)
        {
            found.AddRange(e.Diagnostics.Select(d => d.Location is null ? d with { Location = spec } : d));
        }
    }
}
