using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;

namespace Gac.Core.Tests.Artifacts;

/// <summary>
/// Issue 13 item 4: reports are part of the artifact's commit (they land with the artifact they
/// describe or not at all), and issue 11: the published model is verified before the commit is final.
/// Reports live in a folder of their own here, as with --report-dir or the MSBuild default.
/// </summary>
public sealed class ArtifactCommitReportsTests : IDisposable
{
    private static readonly byte[] EarlierModel = ArtifactCommitTests.Bytes(1, 3000);
    private static readonly byte[] EarlierData = ArtifactCommitTests.Bytes(2, 9000);
    private static readonly byte[] EarlierReport = ArtifactCommitTests.Bytes(5, 700);
    private static readonly byte[] NewModel = ArtifactCommitTests.Bytes(3, 4000);
    private static readonly byte[] NewData = ArtifactCommitTests.Bytes(4, 12000);
    private static readonly byte[] NewReport = ArtifactCommitTests.Bytes(6, 800);
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-artifact-").FullName;

    private string ModelPath => Path.Combine(_folder, "out", "model.onnx");

    private string DataPath => ModelPath + ".data";

    private string ReportPath => Path.Combine(_folder, "reports", "gac.report.json");

    private string SummaryPath => Path.Combine(_folder, "reports", "gac.report.md");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<CommitStep> StepsBeforeTheCommitPoint()
        => new(Enum.GetValues<CommitStep>().Where(s => s != CommitStep.Committed));

    [Fact]
    public async Task Artifact_and_reports_are_replaced_together_and_the_verifier_sees_the_final_files()
    {
        WriteEarlier();
        byte[]? seenModel = null;
        byte[]? seenData = null;
        byte[]? seenReport = null;
        var content = NewContent() with
        {
            Verify = (path, _) =>
            {
                (seenModel, seenData, seenReport) = (File.ReadAllBytes(path), File.ReadAllBytes(path + ".data"), File.ReadAllBytes(ReportPath));
                return Task.CompletedTask;
            },
        };

        await new ArtifactCommit().CommitAsync(content);

        Assert.Equal(NewModel, seenModel);
        Assert.Equal(NewData, seenData);
        Assert.Equal(NewReport, seenReport);
        AssertNew();
        AssertNoLeftovers();
    }

    [Theory]
    [MemberData(nameof(StepsBeforeTheCommitPoint))]
    public async Task An_exception_at_any_step_leaves_the_earlier_artifact_and_its_reports(CommitStep failAt)
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
        AssertEarlier();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_failing_verification_restores_the_earlier_artifact_and_reports_and_rethrows_its_diagnostic()
    {
        WriteEarlier();
        var content = NewContent() with
        {
            Verify = (path, _) => throw GacException.Create(DiagnosticCatalogue.PublishedArtifactMismatch, "differs", new SourceLocation(path)),
        };

        var error = await Assert.ThrowsAsync<GacException>(() => new ArtifactCommit().CommitAsync(content));

        Assert.Equal("GAC5021", error.Diagnostics[0].Code);
        AssertEarlier();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_one_file_artifact_replacing_one_with_external_data_takes_the_earlier_data_file_away_and_a_failure_brings_it_back()
    {
        WriteEarlier();
        var oneFile = ArtifactContent.FromBytes(ModelPath, NewModel) with { Companions = Reports() };
        var failing = new ArtifactCommit(onStep: step => _ = step == CommitStep.ModelMoved ? throw new InvalidOperationException("injected") : 0);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.CommitAsync(oneFile));
        AssertEarlier();

        await new ArtifactCommit().CommitAsync(oneFile);
        Assert.Equal(NewModel, File.ReadAllBytes(ModelPath));
        Assert.False(File.Exists(DataPath), "a stale data file beside a one-file model is a stray");
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_first_publication_creates_the_artifact_and_report_folders()
    {
        await new ArtifactCommit().CommitAsync(NewContent());

        AssertNew();
        AssertNoLeftovers();
    }

    [Fact]
    public async Task A_failing_first_publication_leaves_neither_artifact_nor_reports()
    {
        var content = NewContent() with { Verify = (_, _) => throw new IOException("cannot open") };

        var error = await Assert.ThrowsAsync<GacException>(() => new ArtifactCommit().CommitAsync(content));

        Assert.Equal("GAC5011", error.Diagnostics[0].Code);
        Assert.False(File.Exists(ModelPath));
        Assert.False(File.Exists(DataPath));
        Assert.False(File.Exists(ReportPath));
        AssertNoLeftovers();
    }

    [Theory]
    [InlineData(CommitStep.BetweenDataAndModelMove)]
    [InlineData(CommitStep.ReportsMoved)]
    [InlineData(CommitStep.ModelMoved)]
    [InlineData(CommitStep.Verified)]
    public async Task Recovery_after_a_crash_before_the_commit_point_restores_the_earlier_artifact_and_reports(CommitStep crashAt)
    {
        // What a killed process leaves is captured at the step (every file copied), then put back after the
        // in-process rollback; the child-process kill tests in Gac.Runtime.Tests do it for real.
        WriteEarlier();
        var commit = new ArtifactCommit(onStep: step =>
        {
            if (step == crashAt)
            {
                foreach (var file in AllFiles().Where(f => !f.Contains(".lock", StringComparison.Ordinal)))
                {
                    File.Copy(file, file + ".crash", overwrite: true);
                }

                throw new InvalidOperationException("stop");
            }
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.CommitAsync(NewContent()));
        foreach (var crashed in AllFiles().Where(f => f.EndsWith(".crash", StringComparison.Ordinal)))
        {
            File.Move(crashed, crashed[..^".crash".Length], overwrite: true);
        }

        ArtifactCommit.Recover(ModelPath, DataPath, [ReportPath, SummaryPath]);

        AssertEarlier();
        AssertNoLeftovers();
    }

    [Theory]
    [MemberData(nameof(StepsBeforeTheCommitPoint))]
    public async Task A_rejected_runs_reports_are_committed_alone_all_or_nothing(CommitStep failAt)
    {
        WriteEarlier();
        var failing = new ArtifactCommit(onStep: step =>
        {
            if (step == failAt)
            {
                throw new InvalidOperationException("injected");
            }
        });
        var steps = new List<CommitStep>();

        var threw = await Record.ExceptionAsync(() => failing.CommitCompanionsAsync(ModelPath, Reports()));
        if (threw is null)
        {
            // The step does not occur without a model (e.g. DataWritten): the commit went through.
            Assert.Equal(NewReport, File.ReadAllBytes(ReportPath));
        }
        else
        {
            AssertEarlier();
        }

        await new ArtifactCommit(onStep: steps.Add).CommitCompanionsAsync(ModelPath, Reports());
        Assert.Equal([CommitStep.LockAcquired, CommitStep.ReportsWritten, CommitStep.JournalWritten, CommitStep.ReportsMoved, CommitStep.Committed], steps);
        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(NewReport, File.ReadAllBytes(ReportPath));
        AssertNoLeftovers();
    }

    private ArtifactContent NewContent()
        => ArtifactContent.FromBytes(ModelPath, NewModel, DataPath, NewData) with { Companions = Reports(), Verify = (_, _) => Task.CompletedTask };

    private List<CompanionFile> Reports()
        => [CompanionFile.FromBytes(ReportPath, NewReport), CompanionFile.FromBytes(SummaryPath, NewReport.Reverse().ToArray())];

    private IEnumerable<string> AllFiles() => Directory.GetFiles(_folder, "*", SearchOption.AllDirectories);

    private void WriteEarlier()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ModelPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
        File.WriteAllBytes(ModelPath, EarlierModel);
        File.WriteAllBytes(DataPath, EarlierData);
        File.WriteAllBytes(ReportPath, EarlierReport);
        File.WriteAllBytes(SummaryPath, EarlierReport);
    }

    private void AssertEarlier()
    {
        Assert.Equal(EarlierModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(EarlierData, File.ReadAllBytes(DataPath));
        Assert.Equal(EarlierReport, File.ReadAllBytes(ReportPath));
        Assert.Equal(EarlierReport, File.ReadAllBytes(SummaryPath));
    }

    private void AssertNew()
    {
        Assert.Equal(NewModel, File.ReadAllBytes(ModelPath));
        Assert.Equal(NewData, File.ReadAllBytes(DataPath));
        Assert.Equal(NewReport, File.ReadAllBytes(ReportPath));
    }

    /// <summary>Only artifact and report files remain: no temp, backup, journal, lock or owner file.</summary>
    private void AssertNoLeftovers()
    {
        var names = AllFiles().Select(Path.GetFileName).ToArray();
        Assert.All(names, n => Assert.Contains(n, new[] { "model.onnx", "model.onnx.data", "gac.report.json", "gac.report.md" }));
    }
}
