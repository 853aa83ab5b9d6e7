namespace Plexus.Execution;

/// <summary>One of the two output streams of a process.</summary>
public enum OutputStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>
/// How one run is controlled: when to stop it, how long it may take to stop, and where its output goes live.
/// The caller decides why a run stops (cancelled, over its time limit, …); the runner only does the stopping.
/// </summary>
public sealed class RunControl
{
    /// <summary>
    /// Gets the graceful stop request. When it is cancelled while the command runs, the whole process tree gets
    /// SIGTERM, then SIGKILL if the command has not exited after <see cref="GracePeriod"/>. Cancelled before the
    /// run starts, the command is not started at all. Default is a token that is never cancelled.
    /// </summary>
    public CancellationToken Stop { get; init; }

    /// <summary>
    /// Gets how long a stopped command may take to exit after SIGTERM before its tree is killed with SIGKILL.
    /// Must not be negative (zero kills at once) nor longer than about 24.8 days
    /// (<see cref="int.MaxValue"/> milliseconds). Default is 10 seconds.
    /// </summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets the receiver of live output: each chunk as it is read from the pipe, before the run ends. Calls come
    /// from the runner's reader threads, never two at once and never after the run returned; the memory is only
    /// valid during the call (copy what you keep). It must not block: reading, and so the command, waits for it.
    /// An exception from it switches live output off for the rest of the run; capturing goes on. Default is none.
    /// </summary>
    public Action<OutputStream, ReadOnlyMemory<byte>>? OnOutput { get; init; }
}
