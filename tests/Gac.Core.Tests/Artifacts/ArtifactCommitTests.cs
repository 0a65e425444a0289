using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Gate;

namespace Gac.Core.Tests.Artifacts;

public sealed class ArtifactCommitTests : IDisposable
{
    private static readonly byte[] EarlierModel = Bytes(1, 3000);
    private static readonly byte[] EarlierData = Bytes(2, 9000);
    private static readonly byte[] NewModel = Bytes(3, 4000);
    private static readonly byte[] NewData = Bytes(4, 12000);
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-artifact-").FullName;

    private string ModelPath => Path.Combine(_folder, "model.onnx");

    private string DataPath => Path.Combine(_folder, "model.onnx.data");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Every step a commit of model and data without reports or verifier passes before its commit point.</summary>
    public static TheoryData<CommitStep> StepsBeforeTheCommitPoint()
        => new(Enum.GetValues<CommitStep>().Except([CommitStep.ReportsWritten, CommitStep.ReportsMoved, CommitStep.Verified, CommitStep.Committed]));

    [Fact]
    public async Task Accepted_candidate_replaces_the_earlier_artifact()
    {
        WriteEarlier();

        await new ArtifactCommit().CommitAsync(NewContent());

        Assert.Equal(NewModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(NewData, File.ReadAllBytes(DataPath));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Rejected_candidate_is_never_written()
    {
        WriteEarlier();
        var rejected = new Verdict([new GoalResult("speedup vs original", "≥ 1.2×", "1.01×", GoalStatus.Failed, "1.01 < 1.2")]);

        var outcome = await new ArtifactCommit(onStep: _ => throw new InvalidOperationException("must not write")).CommitIfAcceptedAsync(NewContent(),
            rejected);

        Assert.Equal(CommitOutcome.SkippedRejected, outcome);
        AssertEarlierIntact();
    }

    [Fact]
    public async Task First_commit_creates_the_target()
    {
        await new ArtifactCommit().CommitAsync(ArtifactContent.FromBytes(ModelPath, NewModel));

        Assert.Equal(NewModel, File.ReadAllBytes(ModelPath));
        AssertNoLeftovers();
    }

    [Theory]
    [MemberData(nameof(StepsBeforeTheCommitPoint))]
    public async Task An_exception_at_any_step_leaves_the_earlier_artifact_byte_identical(CommitStep failAt)
    {
        WriteEarlier();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (step == failAt)
            {
                throw new InvalidOperationException($"injected at {step}");
            }
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => commit.CommitAsync(NewContent()));

        Assert.Equal($"injected at {failAt}", error.Message);
        AssertEarlierIntact();
        AssertNoLeftovers();
    }

    [Theory]
    [MemberData(nameof(StepsBeforeTheCommitPoint))]
    public async Task Cancellation_at_any_step_leaves_the_earlier_artifact_byte_identical(CommitStep cancelAt)
    {
        WriteEarlier();
        using var cancellation = new CancellationTokenSource();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (step == cancelAt)
            {
                cancellation.Cancel();
            }
        });

        // The token is observed at the next step or inside the next write.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit.CommitAsync(NewContent(), cancellation.Token));

        AssertEarlierIntact();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Failure_inside_the_writer_mid_stream_leaves_no_partial_file()
    {
        WriteEarlier();
        var content = new ArtifactContent(ModelPath, async (stream, ct) =>
        {
            await stream.WriteAsync(NewModel.AsMemory(0, 100), ct);
            throw new IOException("disk full (injected)");
        });

        var error = await Assert.ThrowsAsync<GacException>(() => new ArtifactCommit().CommitAsync(content));

        Assert.Equal("GAC5011", error.Diagnostics[0].Code);
        AssertEarlierIntact();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Failure_between_data_and_model_move_without_earlier_data_removes_the_new_data()
    {
        File.WriteAllBytes(ModelPath, EarlierModel);
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (step == CommitStep.BetweenDataAndModelMove)
            {
                throw new InvalidOperationException("injected");
            }
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.CommitAsync(NewContent()));

        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.False(File.Exists(DataPath));
        AssertNoLeftovers();
    }

    [Fact]
    public async Task Recovery_after_a_crash_between_the_two_moves_restores_the_earlier_data()
    {
        // Simulate what a killed process leaves: journal written, earlier data renamed to the backup,
        // new data moved in, model temp not yet renamed (snapshot taken there, restored after the
        // in-process rollback). The child-process kill test in Gac.Runtime.Tests does it for real.
        WriteEarlier();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (step == CommitStep.BetweenDataAndModelMove)
            {
                foreach (var file in Directory.GetFiles(_folder).Where(f => !f.Contains(".lock", StringComparison.Ordinal)))
                {
                    File.Copy(file, file + ".crash", overwrite: true);
                }

                throw new InvalidOperationException("stop");
            }
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.CommitAsync(NewContent()));
        foreach (var crashed in Directory.GetFiles(_folder, "*.crash"))
        {
            File.Move(crashed, crashed[..^".crash".Length], overwrite: true);
        }

        Assert.Equal(NewData, File.ReadAllBytes(DataPath));

        ArtifactCommit.Recover(ModelPath, DataPath);

        AssertEarlierIntact();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_second_run_waits_for_the_lock_and_times_out_naming_the_holder()
    {
        using var held = await ArtifactLock.AcquireAsync(ModelPath, TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<GacException>(() => new ArtifactCommit(TimeSpan.FromMilliseconds(200)).CommitAsync(NewContent()));

        Assert.Equal("GAC5010", error.Diagnostics[0].Code);
        Assert.Contains($"pid {Environment.ProcessId}", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.False(File.Exists(ModelPath));
    }

    [Fact]
    public async Task Concurrent_commits_to_one_output_are_serialized()
    {
        var inside = 0;
        var overlap = false;
        var commits = Enumerable.Range(0, 4).Select(i => Task.Run(() => new ArtifactCommit(TimeSpan.FromSeconds(20), step =>
        {
            if (step == CommitStep.LockAcquired && Interlocked.Increment(ref inside) > 1)
            {
                overlap = true;
            }

            if (step == CommitStep.Committed)
            {
                Interlocked.Decrement(ref inside);
            }
        }).CommitAsync(ArtifactContent.FromBytes(ModelPath, Bytes(10 + i, 50_000))))).ToArray();

        await Task.WhenAll(commits);

        Assert.False(overlap);
        Assert.Contains(File.ReadAllBytes(ModelPath), Enumerable.Range(0, 4).Select(i => Bytes(10 + i, 50_000)));
        AssertNoLeftovers();
    }

    private ArtifactContent NewContent() => ArtifactContent.FromBytes(ModelPath, NewModel, DataPath, NewData);

    private void WriteEarlier()
    {
        File.WriteAllBytes(ModelPath, EarlierModel);
        File.WriteAllBytes(DataPath, EarlierData);
    }

    private void AssertEarlierIntact()
    {
        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
    }

    /// <summary>Only the artifact files remain: no temp, backup, journal, lock or owner file.</summary>
    private void AssertNoLeftovers()
    {
        var names = Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.All(names, n => Assert.Contains(n, new[] { "model.onnx", "model.onnx.data" }));
    }

    internal static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
