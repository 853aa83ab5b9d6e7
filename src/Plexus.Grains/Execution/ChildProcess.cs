using System.ComponentModel;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Plexus.Execution.LinuxInterop;

namespace Plexus.Execution;

/// <summary>
/// A process started with glibc's <c>posix_spawn</c> as the leader of a session and process group of its own
/// (<c>POSIX_SPAWN_SETSID</c>), so that its whole tree can be signalled as a unit. .NET's <see cref="System.Diagnostics.Process"/>
/// cannot start one on Linux, and going through util-linux <c>setsid</c> cost a second program start per command:
/// half the rate at which short commands can run. Standard input reads /dev/null; standard output and error are
/// pipes; every signal has its default action and none is blocked, as in a fresh login.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private ChildProcess(int id, Stream standardOutput, Stream standardError)
    {
        Id = id;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Exited = ChildReaper.WaitForExitAsync(id);
    }

    /// <summary>Gets the process id, which is also its session and process group id.</summary>
    public int Id { get; }

    /// <summary>Gets the read end of its standard output.</summary>
    public Stream StandardOutput { get; }

    /// <summary>Gets the read end of its standard error.</summary>
    public Stream StandardError { get; }

    /// <summary>
    /// Completes when it has exited, with its exit code (128 + the signal's number when a signal ended it; null when
    /// something else in this process reaped it first, see <see cref="ChildReaper"/>) and its resource use.
    /// </summary>
    public Task<ChildExit> Exited { get; }

    /// <summary>Starts <paramref name="path"/>; throws <see cref="Win32Exception"/> with exec's error when it cannot run.</summary>
    public static ChildProcess Start(
        string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        var (stdoutRead, stdoutWrite) = CreatePipe();
        var (stderrRead, stderrWrite) = CreatePipe();
        int pid;
        try
        {
            pid = Spawn(path, arguments, environment, workingDirectory, stdoutWrite, stderrWrite);
        }
        catch
        {
            Close(stdoutRead);
            Close(stderrRead);
            throw;
        }
        finally
        {
            // The child has its own copies now (or none, if it did not start).
            Close(stdoutWrite);
            Close(stderrWrite);
        }

        return new ChildProcess(pid, ReadEnd(stdoutRead), ReadEnd(stderrRead));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        StandardOutput.Dispose();
        StandardError.Dispose();
    }

    private static int Spawn(
        string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory,
        int stdout, int stderr)
    {
        var fileActions = Marshal.AllocHGlobal(FileActionsSize);
        var attributes = Marshal.AllocHGlobal(SpawnAttributesSize);
        var signals = Marshal.AllocHGlobal(SignalSetSize);
        var strings = new List<nint>();
        try
        {
            Check(FileActionsInit(fileActions));
            try
            {
                Check(SpawnAttributesInit(attributes));
                try
                {
                    Check(FileActionsAddOpen(fileActions, 0, "/dev/null", ReadOnly, 0));
                    Check(FileActionsAddDup2(fileActions, stdout, 1));
                    Check(FileActionsAddDup2(fileActions, stderr, 2));
                    if (!string.IsNullOrEmpty(workingDirectory))
                    {
                        Check(FileActionsAddChdir(fileActions, workingDirectory));
                    }

                    // .NET ignores SIGPIPE and handles others; a child must start with the default for each.
                    SignalSetFill(signals);
                    Check(SpawnAttributesSetSignalDefaults(attributes, signals));
                    SignalSetEmpty(signals);
                    Check(SpawnAttributesSetSignalMask(attributes, signals));
                    Check(SpawnAttributesSetFlags(attributes, SpawnSetSession | SpawnSetSignalDefaults | SpawnSetSignalMask));

                    var argv = CStrings([path, .. arguments], strings);
                    var envp = CStrings(environment.Select(e => $"{e.Key}={e.Value}"), strings);

                    // glibc reports a failed exec (a missing interpreter, a bad format) here, not in the child.
                    Check(PosixSpawn(out var pid, path, fileActions, attributes, argv, envp));
                    return pid;
                }
                finally
                {
                    SpawnAttributesDestroy(attributes);
                }
            }
            finally
            {
                FileActionsDestroy(fileActions);
            }
        }
        finally
        {
            strings.ForEach(Marshal.FreeCoTaskMem);
            Marshal.FreeHGlobal(signals);
            Marshal.FreeHGlobal(attributes);
            Marshal.FreeHGlobal(fileActions);
        }
    }

    // A null-terminated array of C strings; the caller frees every pointer added to allocated.
    private static nint[] CStrings(IEnumerable<string> values, List<nint> allocated)
    {
        var pointers = new List<nint>();
        foreach (var value in values)
        {
            var pointer = Marshal.StringToCoTaskMemUTF8(value);
            allocated.Add(pointer);
            pointers.Add(pointer);
        }

        pointers.Add(0);
        return [.. pointers];
    }

    private static (int Read, int Write) CreatePipe()
    {
        // Close-on-exec from the start: a command spawned at the same moment must not inherit this pipe and hold it open.
        var fds = new int[2];
        if (Pipe2(fds, CloseOnExec) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }

        return (fds[0], fds[1]);
    }

    private static AnonymousPipeClientStream ReadEnd(int fd) =>
        new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static void Check(int error)
    {
        if (error != 0)
        {
            throw new Win32Exception(error);
        }
    }
}
