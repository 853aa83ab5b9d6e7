using System.Runtime.InteropServices;
using static Plexus.Execution.LinuxInterop;

namespace Plexus.Execution;

/// <summary>
/// Collects the exit status of the processes <see cref="ChildProcess"/> starts: on every SIGCHLD it asks each of
/// them, and only them, whether it has exited (<c>waitpid</c> without waiting), as .NET does for its own.
/// </summary>
/// <remarks>
/// .NET reaps every child itself when it runs as process 1 or was started with SIGCHLD ignored; a status taken
/// that way is lost to us and the exit code is reported as unknown. The silo refuses to run as process 1 for
/// this reason (see its startup check).
/// </remarks>
internal static class ChildReaper
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, TaskCompletionSource<int?>> Running = [];
    private static PosixSignalRegistration? s_registration;

    /// <summary>Returns a task that completes with the exit code of child <paramref name="pid"/>.</summary>
    public static Task<int?> WaitForExitAsync(int pid)
    {
        // Continuations run elsewhere, not under the lock nor on the signal handling thread.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Commands run on Linux only.");
        }

        var exited = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
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

    private static void TryReap(int pid, TaskCompletionSource<int?> exited)
    {
        int result;
        int status;
        while ((result = WaitPid(pid, out status, NoHang)) < 0 && Marshal.GetLastPInvokeError() == Interrupted)
        {
        }

        if (result == 0)
        {
            return;
        }

        Running.Remove(pid);
        exited.SetResult(result == pid ? ExitCode(status) : null);
    }

    // The wait status: the signal that ended the process in its low 7 bits, else the exit code in the next byte.
    private static int ExitCode(int status) =>
        (status & 0x7f) is var signal and not 0 ? 128 + signal : (status >> 8) & 0xff;
}
