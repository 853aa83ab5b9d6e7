using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// A silo dies in the middle of a command: the action's lease lapses and the attempt is run again on a silo
/// that lives. Each test deploys its own cluster (4 s leases, 2 s recovery checks) and kills silos of it.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-crash-");

    private string WorkDir => _silos.WorkDir;

    private InProcessTestCluster Cluster => _silos.Cluster;

    private ActionClient Actions => _silos.Actions;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    // The client only knows the gateways of the silos it started with: keep one of them alive in every test.
    private Task DeployAsync(int silos) => _silos.DeployAsync(silos, concurrency: 2, new Dictionary<string, string?>
    {
        // 4 s: a live worker renews every second, so a machine that stalls for 3 s still loses only the killed silo's attempts.
        ["Plexus:LeaseDuration"] = "00:00:04",
        ["Plexus:RecoveryInterval"] = "00:00:02",
        ["Plexus:Retry:MaxLostWorkers"] = "2",
    });

    // Waits until the command itself has started (it writes a line first), so the kill interrupts a real run.
    private static Task WaitForLinesAsync(string file, int count) =>
        Poll.UntilAsync(() => Task.FromResult(File.Exists(file) ? File.ReadAllLines(file).Length : 0), lines => lines >= count, Poll.DefaultTimeout,
            $"{count} line(s) in {file}", lines => $"{lines} line(s)");

    [Fact]
    public async Task SiloCrash_MidRun_ReRunsTheActionOnAnotherSiloAsAttempt2()
    {
        await DeployAsync(2);
        var runs = Path.Combine(WorkDir, "runs");
        var queued = await Actions.DispatchAsync(new ActionRequest($"sh 'echo run >> {runs}; sleep 3; echo finished'", "tests"));
        await WaitForLinesAsync(runs, 1);
        var running = await Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "the command to start");

        var victim = await KillSiloOfAsync(running);
        var final = await Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(2, final.Attempt);
        Assert.Equal("finished\n", final.Result?.Stdout);
        Assert.Equal([AttemptOutcome.WorkerLost, AttemptOutcome.Succeeded], final.Attempts.Select(a => a.Outcome));
        Assert.Equal(victim, final.Attempts[0].Worker?.Silo);
        Assert.NotEqual(victim, final.Attempts[1].Worker?.Silo);
        Assert.Contains("Worker lost", final.Attempts[0].Error, StringComparison.Ordinal);

        // Once per attempt: the killed silo's run and the new one.
        Assert.Equal(2, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public async Task SiloCrash_WithNoAttemptsLeft_FailsWithWorkerLost()
    {
        await DeployAsync(2);
        var queued = await Actions.DispatchAsync(new ActionRequest("sh 'sleep 30'", "tests", Retry: new RetryOverrides(MaxAttempts: 1)));
        var running = await Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "the command to start");

        await KillSiloOfAsync(running);
        var final = await Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(1, final.Attempt);
        var attempt = Assert.Single(final.Attempts);
        Assert.Equal(AttemptOutcome.WorkerLost, attempt.Outcome);
        Assert.Contains("Worker lost", final.Result?.Error, StringComparison.Ordinal);
        Assert.Contains("No attempts are left", final.Result?.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloCrash_CommandThatKeepsLosingItsWorker_IsStoppedAsPoison()
    {
        await DeployAsync(3);
        var queued = await Actions.DispatchAsync(new ActionRequest("sh 'sleep 30'", "tests", Retry: new RetryOverrides(MaxAttempts: 10)));
        var first = await Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "attempt 1 to start");
        await KillSiloOfAsync(first);
        var second = await Actions.UntilAsync(queued.Id, a => a is { Status: ActionStatus.Running, Attempt: 2 }, "attempt 2 to start");

        await KillSiloOfAsync(second);
        var final = await Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(2, final.Attempt);
        Assert.All(final.Attempts, a => Assert.Equal(AttemptOutcome.WorkerLost, a.Outcome));
        Assert.StartsWith("Stopped as poison: 2 attempts lost their worker", final.Result?.Error, StringComparison.Ordinal);
    }

    // Kills the silo that runs the action's command, without a graceful stop, and returns its address.
    private async Task<string> KillSiloOfAsync(ActionSnapshot running)
    {
        var address = running.Worker?.Silo ?? throw new InvalidOperationException("The running action names no worker.");
        var silo = Cluster.Silos.Single(s => s.SiloAddress.ToString() == address);
        await Cluster.KillSiloAsync(silo);
        return address;
    }
}
