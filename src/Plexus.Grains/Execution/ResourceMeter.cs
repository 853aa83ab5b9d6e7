using System.Diagnostics;
using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>
/// Measures what one run's process tree uses and tells when it goes past its limits. Each sample reads
/// <c>/proc/&lt;pid&gt;/stat</c> of every member (and once a second all of /proc, for members that left the tree):
/// the peak is the highest sum of the members' resident memory at one sample; CPU time is the sum of each member's
/// own time and that of the children it reaped, and never goes down (a member reaped by a process outside the tree
/// takes its time with it). At the end the kernel's own account of the root's CPU time (<c>wait4</c>: the root and
/// the descendants it reaped) is taken when it is higher, so a command's CPU time is exact however short it ran.
/// Its peak memory is only what the samples saw: the first is taken 10 ms after the start, then at doubling
/// intervals up to <see cref="SampleInterval"/>, so a command that ends sooner shows a peak of 0. (The kernel's
/// <c>ru_maxrss</c> cannot stand in: a child started with <c>posix_spawn</c> shares the silo's memory until its
/// exec, and the kernel counts the silo's peak as the child's.)
/// </summary>
/// <remarks>
/// Limits are enforced from these samples, not by the kernel: a tree can go past a limit for up to one
/// <see cref="SampleInterval"/> (plus the time to read /proc) before it is killed. cgroup v2 would enforce them
/// exactly but needs a delegated cgroup with the memory and cpu controllers, which neither this machine (cgroup v1
/// with an empty unified hierarchy) nor an unprivileged container has; rlimits are per process (RLIMIT_CPU), or
/// count address space rather than resident memory (RLIMIT_AS), so neither bounds a tree.
/// </remarks>
internal sealed class ResourceMeter(ProcessTree tree, ResourceLimits? limits)
{
    /// <summary>How often a running tree is sampled: the measuring and enforcing resolution.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>When the first sample is taken: most commands that end sooner never cost a scan of /proc.</summary>
    public static readonly TimeSpan FirstSample = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How often a sample reads all of /proc to find members outside the tree's descendants (see
    /// <see cref="ProcessTree.DescendantMembers"/>); the samples between follow the known members and their children.
    /// </summary>
    public static readonly TimeSpan FullScanInterval = TimeSpan.FromSeconds(1);

    private static readonly long PageSize = Environment.SystemPageSize;

    private readonly Lock _gate = new();
    private long _peakBytes;
    private long _cpuTicks;
    private long _lastFullScan = Stopwatch.GetTimestamp();

    /// <summary>Gets the limit the tree went past ("memory limit of 256 MiB"), once it did.</summary>
    public string? Exceeded { get; private set; }

    /// <summary>Samples the tree once; returns its members (zombies included).</summary>
    public List<ProcStat> Sample()
    {
        var full = Stopwatch.GetElapsedTime(_lastFullScan) >= FullScanInterval;
        if (full)
        {
            _lastFullScan = Stopwatch.GetTimestamp();
        }

        var members = full ? tree.Members() : tree.DescendantMembers();
        lock (_gate)
        {
            _peakBytes = Math.Max(_peakBytes, members.Where(m => m.IsRunning).Sum(m => m.ResidentPages) * PageSize);
            _cpuTicks = Math.Max(_cpuTicks, members.Sum(m => m.CpuTicks));
            Check(CpuSeconds(_cpuTicks), _peakBytes);
        }

        return members;
    }

    /// <summary>Returns the whole run's figures, given how the root ended; a limit the final figures pass counts as exceeded too.</summary>
    public ResourceUse Final(ChildExit? exit)
    {
        lock (_gate)
        {
            var use = new ResourceUse(
                Math.Round(Math.Max(CpuSeconds(_cpuTicks), exit?.CpuSeconds ?? 0), 3),
                _peakBytes);
            Check(use.CpuSeconds, use.PeakMemoryBytes);
            return use;
        }
    }

    private static double CpuSeconds(long ticks) => (double)ticks / LinuxInterop.ClockTicksPerSecond;

    private void Check(double cpuSeconds, long memoryBytes)
    {
        if (Exceeded is not null || limits is null)
        {
            return;
        }

        if (limits.MaxMemoryBytes is { } maxMemory && memoryBytes > maxMemory)
        {
            Exceeded = ResourceLimits.DescribeMemory(maxMemory);
        }
        else if (limits.MaxCpuTime is { } maxCpu && cpuSeconds > maxCpu.TotalSeconds)
        {
            Exceeded = ResourceLimits.DescribeCpuTime(maxCpu);
        }
    }
}
