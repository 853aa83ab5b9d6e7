using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Plexus.Commands;
using Plexus.Execution;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// The record of running commands in a data folder, and the clean-up at start of what a silo that no longer runs left
/// behind: real process trees (Linux: /bin/sh, sleep), recorded as a killed silo would have left them.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class RunningCommandsTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    // No process has this pid (Linux allows at most 2^22): the silo that wrote the record is gone.
    private const string GoneSilo = "2147483647-1";

    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-running-").FullName;
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private RunningCommands Running() => new(Options.Create(new RunningCommandsOptions { Folder = _folder }));

    [Fact]
    public async Task KillLeftoversAsync_TreeRecordedByAGoneSilo_KillsTheWholeTreeAndRemovesTheRecord()
    {
        var root = await StartTreeAsync();
        Record(GoneSilo, root.Id, StartTime(root.Id));

        var killed = await Running().KillLeftoversAsync();

        Assert.Equal(3, killed); // the shell and its two sleeps
        await ProcessTable.WaitForMarkedAsync(_marker, m => m.Count == 0, "the recorded tree to be gone", StartLimit);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task KillLeftoversAsync_RecordedPidNowHeldByAnotherProcess_LeavesItAlone()
    {
        // Same pid, another start time: the recorded process is gone and its pid was reused.
        var root = await StartTreeAsync();
        Record(GoneSilo, root.Id, StartTime(root.Id) - 1);

        var killed = await Running().KillLeftoversAsync();

        Assert.Equal(0, killed);
        Assert.Equal(3, ProcessTable.Marked(_marker).Count);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task KillLeftoversAsync_TreeRecordedByASiloStillRunning_LeavesItAndItsRecord()
    {
        // Another silo on the same folder (or this very process): its commands are its own business.
        var root = await StartTreeAsync();
        var silo = $"{Environment.ProcessId}-{StartTime(Environment.ProcessId)}";
        Record(silo, root.Id, StartTime(root.Id));

        var killed = await Running().KillLeftoversAsync();

        Assert.Equal(0, killed);
        Assert.Equal(3, ProcessTable.Marked(_marker).Count);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_folder, silo)));
    }

    [Fact]
    public async Task RunAsync_WhileTheCommandRuns_ItIsRecordedAndTheRecordGoesWithIt()
    {
        var running = Running();
        var runner = new CommandRunner(new TestOptionsMonitor<ExecutionOptions>(new ExecutionOptions()), running: running);
        var spec = new ProcessSpec("/bin/sh", ["-c", "sleep 1"], null, new Dictionary<string, string> { [ProcessTable.MarkerVariable] = _marker });

        var run = runner.RunAsync(spec, new RunControl());
        var shell = (await ProcessTable.WaitForMarkedAsync(_marker, m => m.Exists(p => p.Name == "sleep"), "the command to run", StartLimit))
            .Single(p => p.Name == "sh");
        var record = Path.Combine(_folder, $"{Environment.ProcessId}-{StartTime(Environment.ProcessId)}", $"{shell.Pid}-{StartTime(shell.Pid)}");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(record)), exists => exists, StartLimit, $"the record {record}");
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(File.Exists(record));
    }

    private async Task<Process> StartTreeAsync()
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", "sleep 60 & sleep 60; wait"]) { Environment = { [ProcessTable.MarkerVariable] = _marker } };
        var process = Process.Start(start)!;
        _started.Add(process);
        await ProcessTable.WaitForMarkedAsync(_marker, m => m.Count(p => p.Name == "sleep") == 2, "the tree to run", StartLimit);
        return process;
    }

    private void Record(string silo, int pid, long startTime)
    {
        Directory.CreateDirectory(Path.Combine(_folder, silo));
        File.WriteAllText(Path.Combine(_folder, silo, $"{pid}-{startTime}"), $"{pid} {startTime}\n");
    }

    private static long StartTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }
}
