using System.Net;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Tests.Cluster;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Actions outlive their silo: a silo started again on the same data folder serves them unchanged.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class SiloRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

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

    private async Task<Guid> DispatchSleeperAsync(PlexusConnection connection)
    {
        var marker = Path.Combine(Silo.DataDir, Guid.NewGuid().ToString("N"));
        var request = new ActionRequest($"sh 'test -e {marker} && exit 0; touch {marker}; sleep 10'", "tests");
        return (await connection.Actions.DispatchAsync(request)).Id;
    }

}
