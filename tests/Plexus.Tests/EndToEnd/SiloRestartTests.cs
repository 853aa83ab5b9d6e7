using System.Net;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Tests.Cluster;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Actions outlive their silo: a silo started again on the same data folder serves them unchanged.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class SiloRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    // 20 s: long enough that the first attempt still runs when the silo has started again (a few seconds, more on a
    // loaded machine).
    private const int Ticks = 200;

    // Every process of the ticker's tree carries it, so the test can find them.
    private readonly string _marker = Guid.NewGuid().ToString("N");

    // A silo of its own: stopping the shared one would disturb the other tests.
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    // Short leases, recovery checks and retry waits, so a crash is recovered from within seconds.
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__LeaseDuration"] = "00:00:02",
        ["Plexus__RecoveryInterval"] = "00:00:02",
        ["Plexus__Retry__InitialDelay"] = "00:00:00.2",
        ["Plexus__Commands__sh__Executable"] = "/bin/sh",
        ["Plexus__Commands__sh__Arguments__0"] = "-c",

        // A line every 100 ms. It ignores SIGPIPE, as a command writing to a log file would not notice its silo's death:
        // without that, its first write after the crash would end it.
        ["Plexus__Commands__ticker__Executable"] = "/bin/sh",
        ["Plexus__Commands__ticker__Arguments__0"] = "-c",
        ["Plexus__Commands__ticker__Arguments__1"] = $"trap '' PIPE; i=0; while [ $i -lt {Ticks} ]; do echo tick $i; sleep 0.1; i=$((i+1)); done",
        [$"Plexus__Commands__ticker__Environment__{ProcessTable.MarkerVariable}"] = _marker,
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_AfterSiloRestartOnSameData_ReturnsSameResult()
    {
        var dispatched = (await Silo.Client.RunAsync("dispatch", "--async", "echo survives a restart")).ShouldExit(ExitCode.Ok);
        var id = Guid.Parse(dispatched.Stdout.Split('\n')[0].Trim());
        var before = await Silo.Client.WaitForStatusAsync(id, "Succeeded", FinalTimeout);

        Assert.Equal(0, await Silo.StopAsync());
        await Silo.StartAsync();
        var after = JsonOutput.Parse((await Silo.Client.RunAsync("status", id.ToString(), "--json")).ShouldExit(ExitCode.Ok));

        Assert.Equal("Succeeded", after.GetProperty("status").GetString());
        Assert.Equal(
            before.GetProperty("finishedAt").GetDateTimeOffset(),
            after.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Equal("survives a restart\n", after.GetProperty("result").GetProperty("stdout").GetString());
        Assert.Equal(
            before.GetProperty("result").GetProperty("stdout").GetString(),
            after.GetProperty("result").GetProperty("stdout").GetString());
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Kill9_WithRunningAndQueuedActions_EveryActionFinishesAfterRestart()
    {
        // Two workers: two commands run (a first attempt sleeps, a later one finishes at once), the echo waits in the
        // silo's queue; SIGKILL loses the queue and the workers.
        // Dispatched through the client library: the CLI's start-up time must not let a first attempt end first.
        Guid[] sleeps;
        Guid queued;
        await using (var connection = await PlexusConnection.ConnectAsync(o => o.Gateway = Silo.Gateway))
        {
            sleeps = [await DispatchSleeperAsync(connection), await DispatchSleeperAsync(connection)];
            foreach (var id in sleeps)
            {
                await connection.Actions.UntilAsync(id, a => a.Status == ActionStatus.Running, $"action {id} to run");
            }

            // Only now: envelopes travel on several streams, so an earlier dispatch is not always delivered first.
            queued = (await connection.Actions.DispatchAsync(new ActionRequest("echo was queued", "tests"))).Id;

            Assert.Equal(ActionStatus.Queued, (await connection.Actions.GetAsync(queued))?.Status);
        }

        await Silo.CrashAsync();
        await Silo.StartAsync();

        foreach (var id in sleeps)
        {
            var final = await Silo.Client.WaitForStatusAsync(id, "Succeeded", FinalTimeout);
            Assert.Equal(2, final.GetProperty("attempt").GetInt32());
            Assert.Equal("WorkerLost", final.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        }

        var echo = await Silo.Client.WaitForStatusAsync(queued, "Succeeded", FinalTimeout);
        Assert.Equal("was queued\n", echo.GetProperty("result").GetProperty("stdout").GetString());
        var text = (await Silo.Client.RunAsync("status", sleeps[0].ToString())).ShouldExit(ExitCode.Ok).Stdout;
        Assert.Contains("#1", text, StringComparison.Ordinal);
        Assert.Contains("WorkerLost", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill9_WhileACommandWritesEveryTenthOfASecond_RestartKillsWhatIsLeftAndTheActionFinishesOnce()
    {
        Guid id;
        await using (var connection = await PlexusConnection.ConnectAsync(o => o.Gateway = Silo.Gateway))
        {
            id = (await connection.Actions.DispatchAsync(new ActionRequest("ticker", "tests"))).Id;
            await connection.Actions.UntilAsync(id, a => a.Status == ActionStatus.Running, $"action {id} to run");
        }

        var root = (await ProcessTable.WaitForMarkedAsync(_marker, m => m.Exists(p => p.Name == "sh"), "the ticker to run", FinalTimeout))
            .Single(p => p.Name == "sh");

        await Silo.CrashAsync();

        // On a bare machine nothing kills it with the silo: it goes on ticking.
        Assert.Contains(ProcessTable.Marked(_marker), p => p.Pid == root.Pid);

        // By the time the silo says it is ready, what the killed silo left running is gone, before any new attempt starts.
        await Silo.StartAsync();
        Assert.False(
            ProcessTable.Marked(_marker).Exists(p => p.Pid == root.Pid || p.Session == root.Pid),
            $"the ticker's first tree (pid {root.Pid}) is still running. The silo printed:\n{Silo.OutputTail(30)}");

        // Logged before the ready line, but the console logger writes from a queue of its own.
        await Poll.UntilAsync(() => Task.FromResult(Silo.Output), o => o.Contains("left running by an earlier silo process", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the silo to log what it killed", _ => Silo.OutputTail(20));

        var final = await Silo.Client.WaitForStatusAsync(id, "Succeeded", FinalTimeout + TimeSpan.FromSeconds(Ticks / 10));
        Assert.Equal(2, final.GetProperty("attempt").GetInt32());
        Assert.Equal("WorkerLost", final.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        var lines = final.GetProperty("result").GetProperty("stdout").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, Ticks).Select(i => $"tick {i}"), lines);
        await ProcessTable.WaitForMarkedAsync(_marker, m => m.Count == 0, "no process of the ticker to be left", FinalTimeout);
    }

    private async Task<Guid> DispatchSleeperAsync(PlexusConnection connection)
    {
        var marker = Path.Combine(Silo.DataDir, Guid.NewGuid().ToString("N"));
        var request = new ActionRequest($"sh 'test -e {marker} && exit 0; touch {marker}; sleep 10'", "tests");
        return (await connection.Actions.DispatchAsync(request)).Id;
    }

}
