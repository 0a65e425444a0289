using System.Runtime.InteropServices;

namespace Gac.Cli.Hosting;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM into cancellation of a long command, so the run unwinds: its
/// scratch folder is deleted and an unfinished commit is rolled back. The exit code follows the
/// shell's convention, 128 + signal: 130 for Ctrl-C, 143 for SIGTERM. A run that does not unwind
/// within <see cref="GracePeriod"/> (a step deep in native code) has its scratch folders removed and
/// the process ended, so a CI job's timeout never leaves gigabytes in the temp folder.
/// </summary>
public sealed class CancellationSignals : IDisposable
{
    public const int InterruptExitCode = 130;
    public const int TerminateExitCode = 143;
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action _onForcedExit;
    private Timer? _watchdog;
    private int _exitCode;

    /// <param name="onForcedExit">Cleanup run just before the process is ended after the grace period (deleting scratch).</param>
    public CancellationSignals(Action onForcedExit)
    {
        _onForcedExit = onForcedExit;
        Register(PosixSignal.SIGINT, InterruptExitCode);
        Register(PosixSignal.SIGTERM, TerminateExitCode);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The GAC0050 error for the signal that cancelled the run, with its exit code.</summary>
    public GacException Cancelled()
    {
        var (signal, code) = _exitCode == TerminateExitCode ? ("SIGTERM", TerminateExitCode) : ("Ctrl-C", InterruptExitCode);
        var message = $"cancelled by {signal}; the run's scratch folder was removed and the earlier artifact and reports are unchanged.";
        return new GacException(new Diagnostic(DiagnosticCatalogue.RunCancelled, message)) { ExitCode = code };
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _watchdog?.Dispose();
        _source.Dispose();
    }

    private void Register(PosixSignal signal, int code)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context => Cancel(context, code)));
        }
        catch (PlatformNotSupportedException)
        {
            // A platform without this signal keeps its default handling; Ctrl-C exists everywhere.
        }
    }

    private void Cancel(PosixSignalContext context, int code)
    {
        // Keep the process alive so it can clean up; a second signal while unwinding is not escalated.
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref _exitCode, code, 0) != 0)
        {
            return;
        }

        _watchdog = new Timer(_ => ForceExit(code), null, GracePeriod, Timeout.InfiniteTimeSpan);
        _source.Cancel();
    }

    private void ForceExit(int code)
    {
        _onForcedExit();
        Console.Error.WriteLine(Cancelled().Diagnostics[0].ToCanonicalString() + $" (ended after {GracePeriod.TotalSeconds:0} s without unwinding)");
        Environment.Exit(code);
    }
}
