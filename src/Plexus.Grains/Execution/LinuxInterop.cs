using System.Runtime.InteropServices;

namespace Plexus.Execution;

/// <summary>The libc calls the runner needs that .NET does not offer (glibc on Linux).</summary>
internal static partial class LinuxInterop
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>ENOENT: no such file.</summary>
    public const int NoSuchFile = 2;

    /// <summary>ESRCH: no process (or process group) has the given id.</summary>
    public const int NoSuchProcess = 3;

    /// <summary>EINTR: the call was interrupted by a signal.</summary>
    public const int Interrupted = 4;

    /// <summary>ENOEXEC: neither a program nor a script with a #! line.</summary>
    public const int ExecFormat = 8;

    /// <summary>EACCES: permission denied.</summary>
    public const int AccessDenied = 13;

    public const int CloseOnExec = 0x80000; // O_CLOEXEC
    public const int ReadOnly = 0; // O_RDONLY
    public const int NoHang = 1; // WNOHANG

    // posix_spawnattr flags (glibc's spawn.h).
    public const short SpawnSetSignalDefaults = 0x04; // POSIX_SPAWN_SETSIGDEF
    public const short SpawnSetSignalMask = 0x08; // POSIX_SPAWN_SETSIGMASK
    public const short SpawnSetSession = 0x80; // POSIX_SPAWN_SETSID

    // Opaque glibc types, allocated with room to spare: posix_spawn_file_actions_t is 80 bytes and
    // posix_spawnattr_t 336 on x86-64 and arm64; sigset_t is 128.
    public const int FileActionsSize = 256;
    public const int SpawnAttributesSize = 1024;
    public const int SignalSetSize = 128;

    private const int ExecuteOk = 1; // X_OK

    // statx(2): one struct layout on every architecture, so the file type is read at a fixed offset.
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int StatxSize = 256; // sizeof(struct statx)
    private const int StatxModeOffset = 28; // stx_mode, 16 bits
    private const int FileTypeMask = 0xF000; // S_IFMT
    private const int RegularFileType = 0x8000; // S_IFREG

    /// <summary>
    /// Tells whether <paramref name="path"/> (symbolic links followed) is a regular file: not a pipe, socket or device,
    /// whose opening or reading can block or never end. False when it cannot be looked at.
    /// </summary>
    public static unsafe bool IsRegularFile(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        return Statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0
            && (*(ushort*)(buffer + StatxModeOffset) & FileTypeMask) == RegularFileType;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>Sends <paramref name="signal"/> to a process, or with a negative pid to a whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>Tells whether this process may execute <paramref name="path"/> (the check exec itself makes).</summary>
    public static bool CanExecute(string path) => Access(path, ExecuteOk) == 0;

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2([Out] int[] fds, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>waitpid that also returns the resource use of the reaped child and of the descendants it reaped.</summary>
    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    public static partial int Wait4(int pid, out int status, int options, out ResourceUsage usage);

    /// <summary>Returns clock ticks per second, the unit of the times in /proc/&lt;pid&gt;/stat.</summary>
    public static long ClockTicksPerSecond { get; } = SysConf(ClockTicksName) is var ticks and > 0 ? ticks : 100;

    private const int ClockTicksName = 2; // _SC_CLK_TCK

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <summary>Returns 0 or the error number (posix_spawn does not set errno).</summary>
    [LibraryImport("libc", EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawn(out int pid, string path, nint fileActions, nint attributes, nint[] argv, nint[] envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(nint fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(nint fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(nint fileActions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(nint fileActions, int fd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(nint fileActions, string path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttributesInit(nint attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttributesDestroy(nint attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttributesSetFlags(nint attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttributesSetSignalDefaults(nint attributes, nint signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttributesSetSignalMask(nint attributes, nint signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int SignalSetFill(nint signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SignalSetEmpty(nint signals);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}

/// <summary>glibc's <c>struct rusage</c> on 64-bit Linux: two <c>timeval</c>s, then fourteen <c>long</c>s.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ResourceUsage
{
    public long UserSeconds;
    public long UserMicroseconds;
    public long SystemSeconds;
    public long SystemMicroseconds;

    // ru_maxrss … ru_nivcsw: not used, but part of the struct the kernel fills.
    private readonly long _maxrss, _ixrss, _idrss, _isrss, _minflt, _majflt, _nswap, _inblock, _oublock, _msgsnd, _msgrcv, _nsignals, _nvcsw, _nivcsw;

    /// <summary>Gets user plus system time, in seconds.</summary>
    public readonly double CpuSeconds =>
        UserSeconds + SystemSeconds + ((UserMicroseconds + SystemMicroseconds) / 1_000_000.0);
}
