using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Plexus.Execution;

/// <summary>
/// One line of <c>/proc/&lt;pid&gt;/stat</c>: the fields the runner needs. <paramref name="CpuTicks"/> is the user and
/// system time of the process and of the children it reaped (utime + stime + cutime + cstime), in clock ticks;
/// <paramref name="ResidentPages"/> its resident set size, in pages.
/// </summary>
internal sealed record ProcStat(int Pid, char State, int ParentPid, int Group, int Session, long StartTime, long CpuTicks = 0, long ResidentPages = 0)
{
    private const int StatBufferBytes = 4096;

    /// <summary>Gets whether the process still runs: a zombie has exited and only waits to be reaped.</summary>
    public bool IsRunning => State is not ('Z' or 'X' or 'x');

    /// <summary>Reads one process, or returns null when it is gone.</summary>
    public static ProcStat? TryRead(int pid)
    {
        // Read into a stack buffer, not with File.ReadAllText: every run scans all of /proc once, and a stream, a reader
        // and their buffers for each file showed up as most of that scan in a profile. The line is far shorter than the buffer.
        Span<byte> buffer = stackalloc byte[StatBufferBytes];
        try
        {
            using var handle = File.OpenHandle($"/proc/{pid}/stat");
            var read = RandomAccess.Read(handle, buffer, 0);
            return Parse(pid, Encoding.UTF8.GetString(buffer[..read]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the process that started at <paramref name="startTime"/> under <paramref name="pid"/>, or returns null when it
    /// is gone: the pid may name another process now, and an unknown start time matches none.
    /// </summary>
    public static ProcStat? TryRead(int pid, long? startTime) => TryRead(pid) is { } stat && stat.StartTime == startTime ? stat : null;

    /// <summary>Reads every process visible in /proc.</summary>
    public static List<ProcStat> ReadAll()
    {
        var all = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } stat)
            {
                all.Add(stat);
            }
        }

        return all;
    }

    private static ProcStat? Parse(int pid, string text)
    {
        // The command name (field 2) is in parentheses and may itself hold spaces and ')': split after the last one.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        // fields[0] is field 3 of proc(5) (state), so field n is fields[n - 3].
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 22)
        {
            return null;
        }

        long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);

        return new ProcStat(
            pid,
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            Field(22),
            Field(14) + Field(15) + Field(16) + Field(17),
            Field(24));
    }
}

/// <summary>
/// The processes of one run: the process the runner started (started as a session leader, so it leads its own
/// session and process group with pgid = sid = its pid), every process in that session or group, every
/// descendant of those (a child that called setsid itself is still found while its parent lives), and every
/// member seen in an earlier scan. Found by reading /proc at the moment of each call.
/// </summary>
internal sealed class ProcessTree
{
    // Kernels built without CONFIG_PROC_CHILDREN keep no lists of a process' children.
    private static readonly bool ChildListsKept = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    private readonly Lock _gate = new();
    private readonly int _root;
    private readonly long? _rootStartTime;

    // Whether processes of the root's session and group count as members while the root itself is gone. True for
    // a live run; false for a tree recorded by an earlier silo, where the session may have ended long ago and its
    // id been taken by another process's session since.
    private readonly bool _sessionWithoutRoot = true;

    // Members seen before, by pid and start time (a pid alone may be reused once its process is gone): a member
    // that left the session and then lost its parent is still known here.
    private readonly HashSet<(int Pid, long StartTime)> _seen = [];

    // Whether a member was ever seen outside the root's process group: only then must the end of a run look beyond the group.
    private bool _seenOutsideGroup;

    /// <summary>Starts tracking the tree whose root is <paramref name="rootPid"/>, a process just started.</summary>
    public ProcessTree(int rootPid)
    {
        _root = rootPid;
        _rootStartTime = ProcStat.TryRead(rootPid)?.StartTime;
    }

    /// <summary>
    /// Tracks the tree an earlier silo recorded: the root as it was (pid and start time) and the members it saw. Only
    /// what is surely that tree counts: a process with a recorded pid and start time, the root's session and group
    /// while the root itself still runs, and the descendants of those.
    /// </summary>
    public ProcessTree(int rootPid, long rootStartTime, IEnumerable<(int Pid, long StartTime)> knownMembers)
    {
        _root = rootPid;
        _rootStartTime = rootStartTime;
        _sessionWithoutRoot = false;
        _seen.Add((rootPid, rootStartTime));
        _seen.UnionWith(knownMembers);

        // The record does not say which group each member was in.
        _seenOutsideGroup = true;
    }

    /// <summary>Gets the root's pid.</summary>
    public int RootPid => _root;

    /// <summary>Gets the root's start time (clock ticks after boot), or null when it was gone before it could be read.</summary>
    public long? RootStartTime => _rootStartTime;

    /// <summary>Returns the members that still run.</summary>
    public List<ProcStat> RunningMembers() => [.. Members().Where(m => m.IsRunning)];

    /// <summary>Returns the members, those that exited but were not reaped yet (zombies) included.</summary>
    public List<ProcStat> Members()
    {
        lock (_gate)
        {
            return ScanMembers();
        }
    }

    /// <summary>
    /// Returns the members that can be found without reading all of /proc: the root, every member seen before, and
    /// their descendants, from the kernel's lists of each thread's children (<c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/children</c>).
    /// A few files per member instead of one for every process on the machine. What it cannot see is a process of
    /// the run's session or group whose parent is outside the tree and that no full scan (<see cref="Members"/>) has
    /// seen yet. Where the kernel keeps no child lists, it is a full scan.
    /// </summary>
    public List<ProcStat> DescendantMembers()
    {
        if (!ChildListsKept)
        {
            return Members();
        }

        lock (_gate)
        {
            var members = new Dictionary<int, ProcStat>();
            var pending = new Queue<ProcStat>();
            void Add(ProcStat? process)
            {
                if (process is not null && members.TryAdd(process.Pid, process))
                {
                    pending.Enqueue(process);
                }
            }

            Add(ProcStat.TryRead(_root, _rootStartTime));
            foreach (var (pid, startTime) in _seen.Where(m => !members.ContainsKey(m.Pid)))
            {
                Add(ProcStat.TryRead(pid, startTime));
            }

            while (pending.TryDequeue(out var parent))
            {
                foreach (var child in ChildrenOf(parent.Pid).Where(c => !members.ContainsKey(c)))
                {
                    Add(ProcStat.TryRead(child));
                }
            }

            return Remember(members);
        }
    }

    // A process' children are listed under the thread that forked each of them.
    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (var child in File.ReadAllText($"{task}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    children.Add(int.Parse(child, NumberStyles.None, CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It or one of its threads ended during the walk: its children are found through their new parent or the next scan.
        }

        return children;
    }

    private List<ProcStat> ScanMembers()
    {
        var all = ProcStat.ReadAll();

        // Linux does not reuse a pid while it is still some process' group or session id, so the root's pid names
        // this run's session and group for as long as a member lives. If another process now has that pid, the
        // pid was reused: none of this run's processes is left in the session or group.
        var holder = all.Find(p => p.Pid == _root);
        var rootPidIsOurs = holder is null ? _sessionWithoutRoot : holder.StartTime == _rootStartTime;

        var members = new Dictionary<int, ProcStat>();
        foreach (var process in all)
        {
            var inRun = rootPidIsOurs && (process.Pid == _root || process.Session == _root || process.Group == _root);
            if (inRun || _seen.Contains((process.Pid, process.StartTime)))
            {
                members[process.Pid] = process;
            }
        }

        var children = all.ToLookup(p => p.ParentPid);
        var pending = new Queue<ProcStat>(members.Values);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children[parent.Pid])
            {
                if (members.TryAdd(child.Pid, child))
                {
                    pending.Enqueue(child);
                }
            }
        }

        return Remember(members);
    }

    // The silo itself never counts; every member found is known from now on.
    private List<ProcStat> Remember(Dictionary<int, ProcStat> members)
    {
        members.Remove(Environment.ProcessId);
        foreach (var member in members.Values)
        {
            _seen.Add((member.Pid, member.StartTime));
            _seenOutsideGroup |= member.Group != _root;
        }

        return [.. members.Values];
    }

    /// <summary>
    /// Sends <paramref name="signal"/> once to every running member: to the run's process group, and one by one to
    /// members outside it; returns how many members were running.
    /// </summary>
    public int Signal(int signal)
    {
        lock (_gate)
        {
            return SignalMembers(signal);
        }
    }

    private int SignalMembers(int signal)
    {
        if (IsGone())
        {
            return 0;
        }

        var members = ScanMembers().Where(m => m.IsRunning).ToList();

        // The group signal also reaches a member forked after the scan. Only sent while a member is in the group:
        // that member keeps the group id from being reused by an unrelated process.
        var groupSignalled = members.Exists(m => m.Group == _root) && LinuxInterop.Kill(-_root, signal) == 0;

        // A member signalled twice may run its handler twice (a shell's TERM trap printed its clean-up twice). One
        // that left the group since the scan misses this signal; the next round of the kill loop finds it.
        foreach (var member in members.Where(m => !groupSignalled || m.Group != _root))
        {
            LinuxInterop.Kill(member.Pid, signal);
        }

        return members.Count;
    }

    /// <summary>
    /// Tells, without scanning /proc, that nothing of the run is left: its process group is empty, no member was ever
    /// seen outside it, and none of the members seen still runs (a few files, not one for every process on the
    /// machine). Most commands leave nothing behind, and a scan of /proc after each of them was a tenth of the silo's
    /// CPU time. What this cannot see is a process never seen by a sample that moved to another group of the session
    /// (a job-control shell's jobs) and outlived every group member: only a scan made while the group still had
    /// members (any stop, or a leftover in the group) finds it.
    /// </summary>
    private bool IsGone() =>
        !_seenOutsideGroup
        && LinuxInterop.Kill(-_root, 0) != 0
        && Marshal.GetLastPInvokeError() == LinuxInterop.NoSuchProcess
        && !_seen.Any(m => ProcStat.TryRead(m.Pid, m.StartTime) is { IsRunning: true });
}
