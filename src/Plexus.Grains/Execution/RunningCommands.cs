using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Plexus.Execution;

/// <summary>Where a silo records the commands it runs; bound by the silo's profile to its data folder.</summary>
public sealed class RunningCommandsOptions
{
    /// <summary>The folder under the data folder that holds the records.</summary>
    public const string FolderName = "running";

    /// <summary>
    /// Gets or sets the folder of the records (<c>&lt;data folder&gt;/running</c> for a silo). Default is none: nothing
    /// is recorded and nothing is cleaned up at start.
    /// </summary>
    public string? Folder { get; set; }
}

/// <summary>
/// A record, in the data folder, of the process trees this silo runs, so that a silo started again on the same
/// folder can kill what an earlier one left running when it was killed (SIGKILL, OOM killer, power cut of the
/// silo alone): otherwise the command would go on while its action runs it again as a new attempt.
/// </summary>
/// <remarks>
/// One folder per silo process, named by its pid and start time (<c>running/&lt;pid&gt;-&lt;start&gt;/</c>), one
/// file per run named by the root's pid and start time, holding the pid and start time of every member the
/// resource samples saw. At start a silo kills only what is surely left from a silo process that no longer runs:
/// a recorded pid whose process has the recorded start time (a reused pid has another), the session and process
/// group of such a root, and their descendants, with SIGKILL. Records are not synced to disk: when the machine
/// itself goes down, so do the commands.
/// </remarks>
public sealed partial class RunningCommands : IDisposable
{
    // As for the runner's kill: a process in uninterruptible sleep dies only when its I/O returns.
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private readonly string? _root;
    private readonly string? _mine;
    private readonly ILogger _logger;

    /// <summary>Creates the record under <see cref="RunningCommandsOptions.Folder"/>.</summary>
    public RunningCommands(IOptions<RunningCommandsOptions> options, ILogger<RunningCommands>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _root = options.Value.Folder is { Length: > 0 } folder ? Path.GetFullPath(folder) : null;
        if (_root is not null && ProcStat.TryRead(Environment.ProcessId) is { } self)
        {
            _mine = Path.Combine(_root, Name(self.Pid, self.StartTime));
        }
    }

    /// <summary>
    /// Kills, with their whole trees, the commands recorded by silo processes that no longer run, and removes their
    /// records; returns how many processes were killed. Call it before this silo starts any command.
    /// </summary>
    public async Task<int> KillLeftoversAsync(CancellationToken cancellationToken = default)
    {
        if (_root is null || !Directory.Exists(_root))
        {
            return 0;
        }

        var killed = 0;
        foreach (var silo in Directory.EnumerateDirectories(_root))
        {
            if (Parse(Path.GetFileName(silo)) is not { } owner || IsAlive(owner.Pid, owner.StartTime))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(silo))
            {
                if (Parse(Path.GetFileName(file)) is { } run)
                {
                    var count = await KillAsync(new ProcessTree(run.Pid, run.StartTime, ReadMembers(file)), cancellationToken).ConfigureAwait(false);
                    if (count > 0)
                    {
                        LogLeftoverKilled(count, run.Pid, owner.Pid);
                    }

                    killed += count;
                }

                File.Delete(file);
            }

            Directory.Delete(silo);
        }

        return killed;
    }

    /// <summary>Records a run whose root is <paramref name="tree"/>'s; null when nothing is recorded.</summary>
    internal Run? Add(ProcessTree tree)
    {
        if (_mine is null || tree.RootStartTime is not { } start)
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(_mine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var run = new Run(Path.Combine(_mine, Name(tree.RootPid, start)));
        run.Update([new ProcStat(tree.RootPid, 'R', 0, 0, 0, start)]);
        return run;
    }

    /// <summary>Removes this silo's folder of records once its last run has ended (a clean stop).</summary>
    public void Dispose()
    {
        try
        {
            if (_mine is not null && Directory.Exists(_mine) && !Directory.EnumerateFileSystemEntries(_mine).Any())
            {
                Directory.Delete(_mine);
            }
        }
        catch (IOException)
        {
            // A run still ending: the next start removes the folder.
        }
    }

    private static async Task<int> KillAsync(ProcessTree tree, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var found = tree.Signal(LinuxInterop.SigKill);
        var running = found;
        while (running > 0 && Stopwatch.GetElapsedTime(started) < KillTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            running = tree.Signal(LinuxInterop.SigKill);
        }

        return found;
    }

    // A silo that exited but whose parent has not reaped it yet (a zombie) no longer runs anything.
    private static bool IsAlive(int pid, long startTime) => ProcStat.TryRead(pid, startTime) is { IsRunning: true };

    private static string Name(int pid, long startTime) => string.Create(CultureInfo.InvariantCulture, $"{pid}-{startTime}");

    private static (int Pid, long StartTime)? Parse(string text)
    {
        var parts = text.Split('-', ' ');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
               && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (pid, start)
            : null;
    }

    private static List<(int Pid, long StartTime)> ReadMembers(string file)
    {
        try
        {
            return [.. File.ReadLines(file).Select(Parse).OfType<(int, long)>()];
        }
        catch (IOException)
        {
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Killed {Count} process(es) of a command (pid {Pid}) left running by an earlier silo process (pid {SiloPid}) on this data folder")]
    private partial void LogLeftoverKilled(int count, int pid, int siloPid);

    /// <summary>The record of one run: the pid and start time of each member seen, one per line.</summary>
    internal sealed class Run(string path) : IDisposable
    {
        private readonly HashSet<(int, long)> _written = [];

        /// <summary>Adds the members not recorded yet.</summary>
        public void Update(IEnumerable<ProcStat> members)
        {
            var added = members.Where(m => _written.Add((m.Pid, m.StartTime))).ToList();
            try
            {
                if (added.Count > 0)
                {
                    File.AppendAllLines(path, added.Select(m => Name(m.Pid, m.StartTime).Replace('-', ' ')));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a full disk must not fail the command; only the clean-up after a crash misses it.
            }
        }

        /// <summary>Removes the record: the run has ended and its tree is gone.</summary>
        public void Dispose()
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The next start finds the tree gone and removes the record.
            }
        }
    }
}
