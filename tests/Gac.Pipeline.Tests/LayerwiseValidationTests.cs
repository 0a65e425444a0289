using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Segments;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;
using Gac.Onnx.Ir;
using Gac.Runtime.Providers;
using Google.Protobuf;
using NJsonSchema;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Issue 16: a model validated layer-wise is never loaded whole — not for fidelity, latency or the
/// publish check — and the report says what was measured instead and what was not.
/// </summary>
public sealed class LayerwiseValidationTests
{
    [Fact]
    public async Task Layer_wise_validation_and_publish_open_no_whole_model_session_and_the_report_states_the_scope_block_errors_and_block_latency()
    {
        using var workspace = new PipelineWorkspace(PipelineWorkspace.DefaultModel with { Blocks = 3 });
        var spec = LayerWise(workspace.Spec(gate: "min_aligned_percent: 50\nmax_block_relative_error: 0.5", externalData: "always"));
        using var run = new RunContext(spec, new PipelineOptions { Iterations = 6 }, null, CancellationToken.None);
        var candidate = GacPipeline.CompressStage(run);
        var opened = run.Sessions.WholeModelsOpened.Count;

        var result = await GacPipeline.ValidateStageAsync(run, candidate);

        Assert.Empty(run.Sessions.WholeModelsOpened.Skip(opened));
        Assert.True(result.Accepted);
        var json = File.ReadAllText(workspace.ReportPath(ReportJson.FileName));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Text.RealTextFiles.RepositoryRoot, "src", "Gac.Core", "Reports", "report.schema.json"));
        Assert.Empty(schema.Validate(json).Select(e => e.ToString()));
        var report = ReportJson.Deserialize(json);
        Assert.Equal("layer-wise", report.ValidationScope!.Scope);
        Assert.Equal("validation.fidelity: layer-wise", report.ValidationScope.Reason);
        Assert.Equal(LayerwiseValidation.NotMeasured, report.ValidationScope.NotMeasured);
        // Not measured means absent, never zeros or copies of a block's numbers.
        Assert.Null(report.Fidelity);
        Assert.Null(report.FidelityUnaligned);
        Assert.Empty(report.Latency);
        Assert.Contains("\"fidelity\": null", json, StringComparison.Ordinal);
        var blocks = report.FidelityLayers!.Blocks;
        Assert.Equal(["prologue", "block 0", "block 1", "block 2", "epilogue"], blocks.Select(b => b.Block));
        Assert.All(blocks.Where(b => b.Block.StartsWith("block", StringComparison.Ordinal)), b =>
        {
            Assert.InRange(b.Aligned.RelativeL2Error, 1e-6, 0.5);
            Assert.InRange(b.Unaligned.RelativeL2Error, 1e-6, 0.5);
        });
        // The layer-wise quality goal reads the worst block of the gac candidate.
        var worst = blocks.Max(b => b.Aligned.RelativeL2Error);
        var goal = report.Gate.Goals.Single(g => g.Name == "block relative error (worst block, layer-wise)");
        Assert.Equal("passed", goal.Status);
        Assert.Equal(worst.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture), goal.Measured);
        var timed = report.BlockLatency!;
        Assert.Equal("block 0", timed.Block);
        Assert.Equal(["original", "unaligned", "gac"], timed.Latency.Variants.Select(v => v.Variant));
        Assert.All(timed.Latency.Variants, v =>
        {
            Assert.Equal(6, v.Iterations);
            Assert.True(v.P50Ms > 0);
        });
        Assert.Contains("block speedups", timed.Scope, StringComparison.Ordinal);
        Assert.Contains(report.Warnings, w => w.Contains("GAC4092", StringComparison.Ordinal));
        var markdown = File.ReadAllText(workspace.ReportPath(MarkdownSummary.FileName));
        Assert.Contains("**Validated layer-wise, not end to end** (validation.fidelity: layer-wise)", markdown, StringComparison.Ordinal);
        Assert.Contains("## Block latency — block 0", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("## Fidelity (vs original)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_blocks_layer_wise_error_equals_the_whole_model_comparison_of_that_blocks_output()
    {
        // Block 0 is fed the embedding's output, which the candidates do not change: in a whole-model run the
        // candidate's block 0 sees the same input, so its output error there is the layer-wise number.
        using var workspace = new PipelineWorkspace(PipelineWorkspace.DefaultModel with { Blocks = 2 });
        var spec = LayerWise(workspace.Spec(gate: "min_aligned_percent: 50"));
        using var run = new RunContext(spec, new PipelineOptions(), null, CancellationToken.None);
        var candidate = GacPipeline.CompressStage(run);
        var original = OnnxModelFile.Load(candidate.Variants.Original.Path);

        var layers = LayerwiseFidelity.Measure(run, original, candidate.Variants, candidate.InputDomains, "test");

        var segmentation = GraphSegmentation.ByBlocks(original, []);
        var crossing = segmentation.Segments.Single(s => s.Label == "block 0").Outputs.Single(o => segmentation.Segments[2].Inputs.Contains(o));
        var signature = GraphSignature.Of(original);
        var settings = Validation.FidelityFor(run, candidate.InputDomains, signature, Validation.Buckets(run, signature)[0]);
        var expected = WholeModelOutputs(candidate.Variants.Original.Path, crossing, settings);
        var unaligned = WholeModelOutputs(candidate.Variants.Unaligned.Path, crossing, settings);
        var aligned = WholeModelOutputs(candidate.Variants.Aligned.Path, crossing, settings);
        var block0 = layers.Blocks.Single(b => b.Block == "block 0");
        Assert.Equal(RelativeError(expected, aligned), block0.Aligned.RelativeL2Error, 1e-9);
        Assert.Equal(RelativeError(expected, unaligned), block0.Unaligned.RelativeL2Error, 1e-9);
        Assert.True(block0.Aligned.RelativeL2Error > 1e-6, "the candidate's block 0 holds compressed layers");
    }

    [Fact]
    public async Task A_generated_llama_checkpoint_validated_layer_wise_measures_the_heads_logits_in_the_epilogue()
    {
        using var workspace = new PipelineWorkspace();
        var checkpoint = Path.Combine(workspace.Folder, "llama");
        GeneratedCheckpoint.Write(checkpoint, """
            { "model_type": "llama", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }
            """, new Random(12));
        var path = Path.Combine(workspace.Folder, "llama.yaml");
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {checkpoint}
            calibration:
              samples: 3
              dims: {"{"} batch: 1, seq: 16 {"}"}
            compress:
              method: asvd
              ratio: 0.3
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.gac.onnx
            validation:
              provider: cpu
              fidelity: layer-wise
              warmup: 1
              iterations: 4
              heldout_samples: 2
            report:
              formats: [json, markdown]
            gate:
              max_parameters: 1000000000
            """);

        using var run = new RunContext(GacSpecLoader.Load(path), new PipelineOptions(), null, CancellationToken.None);
        var candidate = GacPipeline.CompressStage(run);
        var opened = run.Sessions.WholeModelsOpened.Count;

        var validation = Validation.Measure(run, candidate);
        var result = await Publish.CommitAsync(run, candidate, validation, GateStep.Decide(run, candidate, validation));

        Assert.Empty(run.Sessions.WholeModelsOpened.Skip(opened));
        Assert.True(result.Accepted);
        var layers = result.Report!.FidelityLayers!;
        Assert.Equal(["prologue", "block 0", "block 1", "epilogue"], layers.Blocks.Select(b => b.Block));
        // The epilogue (final norm, head) is compared on the logits: batch 1 × seq 16 × vocab 256 per held-out sample.
        var head = validation.AlignedBlocks![^1];
        Assert.Contains("logits", head.Outputs);
        Assert.All(head.AlignedOutputs, sample => Assert.Equal(16 * 256, sample["logits"].Length));
        // The final norm and the head are not compressed: fed the original's last hidden state, the candidates' logits are the original's.
        var epilogue = layers.Blocks[^1];
        Assert.Equal(0, epilogue.Aligned.MaxAbsDiff);
        Assert.Equal(0, epilogue.Unaligned.MaxAbsDiff);
        Assert.True(layers.Blocks[1].Aligned.MaxAbsDiff > 0);
        Assert.Equal("block 0", result.Report.BlockLatency!.Block);
    }

    [Fact]
    public void An_end_to_end_gate_goal_with_validation_fidelity_layer_wise_is_refused_before_the_run_with_GAC4093()
    {
        using var workspace = new PipelineWorkspace();
        var spec = LayerWise(workspace.Spec(gate: "min_cosine: 0.5\nmax_p50_latency_ms: 10\nmin_aligned_percent: 50"));

        var found = RunReadiness.Check(spec);

        var refusal = Assert.Single(found, d => d.Descriptor.Code == "GAC4093");
        Assert.Equal(DiagnosticSeverity.Error, refusal.Severity);
        Assert.Contains("max_p50_latency_ms, min_cosine", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RunReadiness.Check(LayerWise(workspace.Spec(gate: "min_aligned_percent: 50"))), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task The_block_goal_is_refused_with_whole_model_validation_GAC4096_and_not_measured_when_validated_end_to_end()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(gate: "max_block_relative_error: 0.5");
        var refused = RunReadiness.Check(spec with { Validation = spec.Validation with { Fidelity = FidelityMode.WholeModel } });
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(refused, d => d.Descriptor.Code == "GAC4096").Severity);

        // auto on a small model validates end to end: the block goal has no number, so the candidate is rejected, never waved through.
        var result = await GacPipeline.RunAsync(spec, new PipelineOptions { Iterations = 2 });

        Assert.False(result.Accepted);
        Assert.Equal("end-to-end", result.Report.ValidationScope!.Scope);
        var goal = Assert.Single(result.Report.Gate.Goals);
        Assert.Equal("notMeasured", goal.Status);
        Assert.Contains("GAC4096", goal.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Under validation.fidelity: auto the choice of layer-wise is known at import (the original's weights against this machine's memory);
    /// end-to-end goals that would then reject the candidate (GAC4094) are named at once, not after the hours of compression (GAC4097).
    /// </summary>
    [Fact]
    public void Auto_validation_that_will_be_layer_wise_names_at_import_the_end_to_end_goals_it_will_not_measure_GAC4097()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(gate: "min_cosine: 0.5\nmax_p50_latency_ms: 10\nmin_aligned_percent: 50");
        var layerWise = new BlockwiseChoice(true, "validation.fidelity: auto, 16.06 GB of weights, 25.28 GB of memory available: more than half");

        var ahead = LayerwiseValidation.Ahead(spec, layerWise);

        Assert.Equal("GAC4097", ahead?.Descriptor.Code);
        Assert.Equal(DiagnosticSeverity.Warning, ahead!.Severity);
        Assert.Contains("gate goal(s) max_p50_latency_ms, min_cosine will not be measured", ahead.Message, StringComparison.Ordinal);
        Assert.Contains("16.06 GB of weights", ahead.Message, StringComparison.Ordinal);
        Assert.Null(LayerwiseValidation.Ahead(spec, layerWise with { BlockWise = false }));                   // the model fits: end to end
        Assert.Null(LayerwiseValidation.Ahead(LayerWise(spec), layerWise));                                 // asked for: GAC4093 refuses it up front
        Assert.Null(LayerwiseValidation.Ahead(workspace.Spec(gate: "max_block_relative_error: 0.5\nmin_aligned_percent: 50"), layerWise));
    }

    [Fact]
    public async Task A_goal_on_an_end_to_end_number_of_a_layer_wise_validation_is_not_measured_and_rejects_with_GAC4094_never_passes()
    {
        // Auto chooses layer-wise only for a model larger than half of memory; the gate is given such a validation directly.
        using var workspace = new PipelineWorkspace();
        var spec = LayerWise(workspace.Spec(gate: "min_aligned_percent: 50"));
        using var run = new RunContext(spec, new PipelineOptions { Iterations = 2 }, null, CancellationToken.None);
        var candidate = GacPipeline.CompressStage(run);
        var validation = Validation.Measure(run, candidate);
        var goals = spec.Gate with
        {
            MinCosine = 0.0,
            MaxRelativeError = 10.0,
            MinSpeedupVsUnaligned = new Threshold(0.01, false),
            MaxBlockRelativeError = 1e-9,
        };
        using var gated = new RunContext(spec with { Gate = goals }, new PipelineOptions(), null, CancellationToken.None);

        var verdict = GateStep.Decide(gated, candidate, validation);

        Assert.False(verdict.Accepted);
        Assert.Equal(GoalStatus.Passed, verdict.Goals.Single(g => g.Name == "aligned dimensions").Status);
        // Measured, and far above a bound no compressed block meets: failed, not skipped.
        Assert.Equal(GoalStatus.Failed, verdict.Goals.Single(g => g.Name.StartsWith("block relative error", StringComparison.Ordinal)).Status);
        Assert.All(verdict.Goals.Where(g => g.Name is not "aligned dimensions" && !g.Name.StartsWith("block", StringComparison.Ordinal)), g =>
        {
            Assert.Equal(GoalStatus.NotMeasured, g.Status);
            Assert.Contains("GAC4094", g.Reason, StringComparison.Ordinal);
        });
        Assert.Contains(gated.Warnings, w => w.Descriptor.Code == "GAC4094");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_published_data_file_that_differs_from_the_validated_one_fails_the_block_by_block_check_with_GAC5021()
    {
        using var workspace = new PipelineWorkspace();
        var options = new PipelineOptions
        {
            Iterations = 2,
            // Damage the published weights between the move into place and the verification.
            CommitHook = step =>
            {
                if (step == CommitStep.ModelMoved)
                {
                    FlipBytes(workspace.ArtifactPath + ".data");
                }
            },
        };

        var error = await Assert.ThrowsAsync<GacException>(
            () => GacPipeline.RunAsync(LayerWise(workspace.Spec(gate: "min_aligned_percent: 50", externalData: "always")), options));

        Assert.Equal("GAC5021", error.Diagnostics[0].Code);
        Assert.Contains("out of its", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InternalError, error.ExitCode);
        Assert.False(File.Exists(workspace.ArtifactPath));
    }

    private static GacSpec LayerWise(GacSpec spec) => spec with { Validation = spec.Validation with { Fidelity = FidelityMode.LayerWise } };

    /// <summary>The tensor <paramref name="name"/> inside the whole model on every held-out sample, made a graph output.</summary>
    private static List<float[]> WholeModelOutputs(string path, string name, Runtime.Fidelity.FidelitySettings settings)
    {
        var file = OnnxModelFile.Load(path);
        file.Model.Graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)Core.Model.OnnxDataType.Float } },
        });
        var sessions = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu));
        using var session = sessions.Open(file.Model.ToByteArray(), "whole model with block 0's output");
        var outputs = new List<float[]>();
        for (var s = 0; s < settings.Samples; s++)
        {
            using var inputs = settings.Inputs!(s);
            using var results = session.Run(inputs, [name], "test");
            outputs.Add(results.Floats(0).ToArray());
        }

        return outputs;
    }

    private static double RelativeError(List<float[]> expected, List<float[]> actual)
    {
        double difference = 0, norm = 0;
        foreach (var (e, a) in expected.Zip(actual))
        {
            for (var i = 0; i < e.Length; i++)
            {
                difference += ((double)e[i] - a[i]) * ((double)e[i] - a[i]);
                norm += (double)e[i] * e[i];
            }
        }

        return Math.Sqrt(difference / norm);
    }

    private static void FlipBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i < bytes.Length; i += 97)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
    }
}
