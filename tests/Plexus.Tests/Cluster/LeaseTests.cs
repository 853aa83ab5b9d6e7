using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// The worker's lease on a running attempt: renewed by its reports and by the heartbeat of a silent command, lapsed
/// when it goes quiet, and once lapsed the attempt's late reports are refused. A test plays the worker itself
/// through <see cref="IActionWorkerGrain"/>, so when it reports is up to the test, not to a loaded machine.
/// </summary>
/// <remarks>
/// Real time: the action grain takes the silo's <see cref="TimeProvider"/>, which Orleans' own timers share, so faking
/// it would stop the silo's clock too. The 4 s lease leaves a worker reporting every second 3 s of slack.
/// </remarks>
[Trait(Category.Name, Category.Cluster)]
public sealed class LeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    private static readonly WorkerInfo Forged = new("forged-silo", "forged-host");

    private readonly TempCluster _silos = new("plexus-lease-");

    private InProcessTestCluster Cluster => _silos.Cluster;

    private ActionClient Actions => _silos.Actions;

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 1, new Dictionary<string, string?>
    {
        ["Plexus:LeaseDuration"] = "00:00:04",
    });

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    [Fact]
    public async Task Report_WithinEachLease_KeepsTheAttemptPastItsLeaseAndSilenceThenLosesTheWorker()
    {
        var (id, worker, _) = await ForgeAttemptAsync("echo never runs", new RetryOverrides(MaxAttempts: 1));
        var started = DateTimeOffset.UtcNow;
        var lastSent = started;

        // Two and a half leases of reports, a second apart.
        for (var tick = 0; DateTimeOffset.UtcNow - started < 2.5 * Lease; tick++)
        {
            lastSent = DateTimeOffset.UtcNow;
            Assert.True(await worker.ReportAsync(new AttemptReport(1, [new OutputChunk(1, "stdout", $"tick {tick}\n")], [])), "a live attempt's report was refused");
            await Task.Delay(ReportEvery);
        }

        var alive = await Actions.GetAsync(id);
        var final = await Actions.FinalAsync(id);

        Assert.Equal((ActionStatus.Running, 1, Forged), (alive!.Status, alive.Attempt, alive.Worker));
        Assert.Empty(alive.Attempts);
        Assert.Equal(ActionStatus.Failed, final.Status);
        var lost = Assert.Single(final.Attempts);
        Assert.Equal(AttemptOutcome.WorkerLost, lost.Outcome);
        Assert.Equal(Forged, lost.Worker);
        Assert.True(lost.FinishedAt >= lastSent + Lease, $"declared lost at {lost.FinishedAt:O}, within a lease of the last report at {lastSent:O}");
    }

    [Fact]
    public async Task SilentCommand_LongerThanTwoLeases_KeepsItsWorkerByTheHeartbeat()
    {
        var queued = await Actions.DispatchAsync(new ActionRequest("sh 'sleep 9'", "tests", Retry: new RetryOverrides(MaxAttempts: 1)));

        var final = await Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(final.Attempts).Outcome);
        Assert.True(final.Result!.Duration > 2 * Lease, $"ran {final.Result.Duration}, not past two leases");
    }

    [Fact]
    public async Task LateReportAndResult_OfAnAttemptDeclaredLost_AreRefusedAndNoOutputLeaksIntoTheNextAttempt()
    {
        var release = Path.Combine(_silos.WorkDir, "release-attempt-2");
        var (id, worker, control) = await ForgeAttemptAsync($"sh 'echo fresh; until [ -e {release} ]; do sleep 0.05; done'");
        Assert.True(await worker.ReportAsync(new AttemptReport(1, [new OutputChunk(1, "stdout", "stale from attempt 1\n")], [])));

        // The forged worker goes quiet: its lease lapses and attempt 2 runs on the silo's own worker.
        var second = await Actions.UntilAsync(id, a => a is { Status: ActionStatus.Running, Attempt: 2 }, "attempt 2 to run");
        var lateReport = await worker.ReportAsync(new AttemptReport(1, [new OutputChunk(1, "stdout", "late from attempt 1\n")], []));
        var lateResult = await worker.CompleteAsync(new CommandResult
        {
            Status = ResultStatus.Success,
            Command = second.Command,
            Stdout = "forged result\n",
            ExitCode = 0,
            Attempt = 1,
            Worker = Forged,
            StartedAt = second.QueuedAt,
            FinishedAt = DateTimeOffset.UtcNow,
        });
        var afterLate = await Actions.GetAsync(id);

        // A watcher that joins attempt 2 is shown its recent output: attempt 2's alone.
        var output = new List<OutputChunk>();
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        await foreach (var item in Actions.WatchAsync(id, deadline.Token))
        {
            if (item.Output is { } chunk)
            {
                output.Add(chunk);
            }

            if (!File.Exists(release) && string.Concat(output.Select(c => c.Text)).Contains("fresh", StringComparison.Ordinal))
            {
                await File.WriteAllTextAsync(release, "");
            }
        }

        var final = await Actions.FinalAsync(id);
        Assert.False(lateReport, "a report of the lost attempt was accepted");
        Assert.False(lateResult, "a result of the lost attempt was accepted");
        Assert.Equal((second.Version, second.Status, second.Attempt), (afterLate!.Version, afterLate.Status, afterLate.Attempt));
        Assert.Equal("fresh\n", string.Concat(output.Select(c => c.Text)));
        Assert.All(output, chunk => Assert.Equal(2, chunk.Attempt));
        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal("fresh\n", final.Result?.Stdout);
        Assert.Equal([AttemptOutcome.WorkerLost, AttemptOutcome.Succeeded], final.Attempts.Select(a => a.Outcome));
        Assert.Equal(Forged, final.Attempts[0].Worker);
        GC.KeepAlive(control);
    }

    /// <summary>
    /// Dispatches <paramref name="command"/> while the silo's one worker is busy, takes attempt 1 as a forged worker,
    /// then frees the silo's worker (which finds attempt 1 taken and drops its envelope).
    /// </summary>
    private async Task<(Guid Id, IActionWorkerGrain Worker, AttemptControlProbe Control)> ForgeAttemptAsync(string command, RetryOverrides? retry = null)
    {
        var release = Path.Combine(_silos.WorkDir, $"release-{Guid.NewGuid():N}");
        var blocker = await Actions.DispatchAsync(new ActionRequest($"sh 'until [ -e {release} ]; do sleep 0.05; done'", "tests"));
        await Actions.UntilAsync(blocker.Id, a => a.Status == ActionStatus.Running, "the blocking command to start");
        var queued = await Actions.DispatchAsync(new ActionRequest(command, "tests", Retry: retry));

        // The worker contract is for silo code only: the forged worker calls from inside the silo.
        var worker = _silos.SiloGrains.GetGrain<IActionWorkerGrain>(queued.Id);
        var control = new AttemptControlProbe();
        var started = await worker.TryStartAsync(1, Forged, _silos.SiloGrains.CreateObjectReference<IAttemptControl>(control));
        Assert.NotNull(started);

        await File.WriteAllTextAsync(release, "");
        Assert.Equal(ActionStatus.Succeeded, (await Actions.FinalAsync(blocker.Id)).Status);
        return (queued.Id, worker, control);
    }

    /// <summary>The forged worker's end of the attempt: the action grain may push a stop to it.</summary>
    private sealed class AttemptControlProbe : IAttemptControl
    {
        public void Stop(StopReason reason)
        {
        }
    }
}
