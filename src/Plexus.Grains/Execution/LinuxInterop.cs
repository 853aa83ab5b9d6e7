using System.Runtime.InteropServices;

namespace Plexus.Execution;

/// <summary>The few libc calls the runner needs that .NET does not offer.</summary>
internal static partial class LinuxInterop
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>ESRCH: no process (or process group) has the given id.</summary>
    public const int NoSuchProcess = 3;

    private const int ExecuteOk = 1; // X_OK

    /// <summary>Sends <paramref name="signal"/> to a process, or with a negative pid to a whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>Tells whether this process may execute <paramref name="path"/> (the check exec itself makes).</summary>
    public static bool CanExecute(string path) => Access(path, ExecuteOk) == 0;

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
