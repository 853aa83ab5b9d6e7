using System.Runtime.InteropServices;
using static Plexus.Execution.LinuxInterop;

namespace Plexus.Execution;

/// <summary>
/// How a child ended: its exit code (128 + the signal's number when a signal ended it), null when something else
/// reaped it first; and the CPU time, in seconds, the kernel accounted to it and to the descendants it reaped
/// (<c>wait4</c>'s rusage).
/// </summary>
internal sealed record ChildExit(int? Code, double CpuSeconds);

/// <summary>
/// Collects the exit status of the processes <see cref="ChildProcess"/> starts: on every SIGCHLD it asks each of
/// them, and only them, whether it has exited (<c>wait4</c> without waiting, which also gives its resource use), as .NET does for its own.
/// </summary>
/// <remarks>
/// .NET reaps every child itself when it runs as process 1 or was started with SIGCHLD ignored; a status taken
/// that way is lost to us and the exit code is reported as unknown. The silo refuses to run as process 1 for
/// this reason (see its startup check).
/// </remarks>
internal static class ChildReaper
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, TaskCompletionSource<ChildExit>> Running = [];
    private static PosixSignalRegistration? s_registration;

    /// <summary>Returns a task that completes with the exit code of child <paramref name="pid"/>.</summary>
    public static Task<ChildExit> WaitForExitAsync(int pid)
    {
        // Continuations run elsewhere, not under the lock nor on the signal handling thread.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Commands run on Linux only.");
        }

        var exited = new TaskCompletionSource<ChildExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            s_registration ??= PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => ReapExited());
            Running.Add(pid, exited);

            // It may have exited already, its SIGCHLD handled before it was in the table.
            TryReap(pid, exited);
        }

        return exited.Task;
    }

    private static void ReapExited()
    {
        lock (Gate)
        {
            // One SIGCHLD may stand for several exits.
            foreach (var (pid, exited) in Running.ToArray())
            {
                TryReap(pid, exited);
            }
        }
    }

    private static void TryReap(int pid, TaskCompletionSource<ChildExit> exited)
    {
        int result;
        int status;
        ResourceUsage usage;
        while ((result = Wait4(pid, out status, NoHang, out usage)) < 0 && Marshal.GetLastPInvokeError() == Interrupted)
        {
        }

        if (result == 0)
        {
            return;
        }

        Running.Remove(pid);
        exited.SetResult(result == pid
            ? new ChildExit(ExitCode(status), usage.CpuSeconds)
            : new ChildExit(null, 0));
    }

    // The wait status: the signal that ended the process in its low 7 bits, else the exit code in the next byte.
    private static int ExitCode(int status) =>
        (status & 0x7f) is var signal and not 0 ? 128 + signal : (status >> 8) & 0xff;
}
