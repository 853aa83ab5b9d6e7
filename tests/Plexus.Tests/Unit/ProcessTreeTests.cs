using Plexus.Execution;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// Which processes belong to a run, found two ways: by reading all of /proc (<see cref="ProcessTree.Members"/>) and by
/// following the kernel's child lists from the members already known (<see cref="ProcessTree.DescendantMembers"/>,
/// what most resource samples use). Real trees of /bin/sh and sleep, started as the runner starts a command.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ProcessTreeTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly List<ProcessTree> _trees = [];

    public void Dispose()
    {
        foreach (var tree in _trees)
        {
            tree.Signal(LinuxInterop.SigKill);
        }
    }

    [Fact]
    public async Task DescendantMembers_ShellWithTwoChildren_FindsWhatAFullScanFinds()
    {
        var tree = await StartAsync("sleep 60 & sleep 60 & wait", sleeps: 2);

        var walked = Pids(tree.DescendantMembers());

        Assert.Equal(Pids(ProcessTable.Marked(_marker)), walked);
        Assert.Equal(Pids(tree.Members()), walked);
    }

    [Fact]
    public async Task DescendantMembers_ChildWhoseParentExited_IsFoundOnlyOnceAFullScanSawIt()
    {
        // The subshell starts a sleep and exits at once: that sleep is adopted outside the tree but stays in its session.
        var tree = await StartAsync("(sleep 60 &); sleep 60", sleeps: 2);
        var all = Pids(ProcessTable.Marked(_marker));

        var before = Pids(tree.DescendantMembers());
        var scanned = Pids(tree.Members());
        var after = Pids(tree.DescendantMembers());

        Assert.Equal(all.Count - 1, before.Count);
        Assert.Subset(all, before);
        Assert.Equal(all, scanned);
        Assert.Equal(all, after);
    }

    private static SortedSet<int> Pids(IEnumerable<ProcStat> processes) => [.. processes.Select(p => p.Pid)];

    private static SortedSet<int> Pids(IEnumerable<ProcessEntry> processes) => [.. processes.Select(p => p.Pid)];

    private async Task<ProcessTree> StartAsync(string script, int sleeps)
    {
        var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", [ProcessTable.MarkerVariable] = _marker };
        using var process = ChildProcess.Start("/bin/sh", ["-c", script], environment, workingDirectory: null);
        var tree = new ProcessTree(process.Id);
        _trees.Add(tree);
        await ProcessTable.WaitForMarkedAsync(_marker, m => m.Count(p => p.Name == "sleep") == sleeps, "the tree to run", StartLimit);
        return tree;
    }
}
