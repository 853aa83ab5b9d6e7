using Plexus.Actions;
using Plexus.Audit;
using Plexus.Queries;

namespace Plexus.Tests.Cluster;

/// <summary>Finished actions are removed once their retention runs out (real time: retentions of a second, sweeps every 0.2 s).</summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-retention-");

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 2, new Dictionary<string, string?> { ["Plexus:RetentionSweepInterval"] = "00:00:00.2" });

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    private async Task<bool> ListedAsync(Guid id) =>
        (await _silos.Actions.ListAsync(new ActionQuery { Limit = ActionQuery.MaxLimit })).Items.Any(i => i.Id == id);

    [Fact]
    public async Task Dispatch_ShortRetention_IsRemovedWhenItRunsOutAndTheOthersAreKept()
    {
        var shortLived = await _silos.Actions.DispatchAsync(new ActionRequest("echo short", "tests", Retention: TimeSpan.FromSeconds(1)));
        var kept = await _silos.Actions.DispatchAsync(new ActionRequest("echo kept", "tests"));
        var finished = await _silos.Actions.FinalAsync(shortLived.Id);
        await _silos.Actions.FinalAsync(kept.Id);

        var forgotten = await _silos.Actions.UntilAsync(shortLived.Id, a => a.ForgottenAt is not null, "the short retention to run out");
        var stillKept = await _silos.Actions.GetAsync(kept.Id);

        Assert.Equal(TimeSpan.FromSeconds(1), finished.Retention);
        Assert.Equal(finished.FinishedAt + TimeSpan.FromSeconds(1), finished.RetainUntil);
        Assert.True(forgotten.ForgottenAt >= finished.RetainUntil, $"Removed at {forgotten.ForgottenAt:O}, before {finished.RetainUntil:O}.");
        Assert.Equal(ActionStatus.Succeeded, forgotten.Status);
        Assert.Equal(finished.FinishedAt, forgotten.FinishedAt);
        Assert.Null(forgotten.Result);
        Assert.Equal("", forgotten.Command);
        Assert.Empty(forgotten.Attempts);
        Assert.False(await ListedAsync(shortLived.Id));
        Assert.Equal(TimeSpan.FromDays(30), stillKept?.Retention);
        Assert.Equal("kept\n", stillKept?.Result?.Stdout);
        Assert.Null(stillKept?.ForgottenAt);
        Assert.True(await ListedAsync(kept.Id));
        var log = await _silos.Actions.ListAuditAsync(new AuditQuery { ActionId = shortLived.Id });
        Assert.Equal([AuditOperation.Remove, AuditOperation.Dispatch], log.Items.Select(r => r.Operation));
        Assert.Empty(forgotten.Audit);
    }

    [Fact]
    public async Task ForgetIfDueAsync_UnfinishedOrNotYetDue_ChangesNothing()
    {
        var running = await _silos.Actions.DispatchAsync(new ActionRequest("sh 'sleep 30'", "tests", Retention: TimeSpan.FromMilliseconds(1)));
        await _silos.Actions.UntilAsync(running.Id, a => a.Status == ActionStatus.Running, "the sleep to run");
        var fresh = await _silos.Actions.DispatchAsync(new ActionRequest("echo fresh", "tests"));
        var finished = await _silos.Actions.FinalAsync(fresh.Id);

        var forgotRunning = await _silos.SiloGrains.GetGrain<IActionRetentionGrain>(running.Id).ForgetIfDueAsync();
        var forgotFresh = await _silos.SiloGrains.GetGrain<IActionRetentionGrain>(fresh.Id).ForgetIfDueAsync();

        Assert.False(forgotRunning);
        Assert.False(forgotFresh);
        var after = await _silos.Actions.GetAsync(fresh.Id);
        Assert.Equal(finished.Version, after?.Version);
        Assert.Equal("fresh\n", after?.Result?.Stdout);
        Assert.Null(after?.ForgottenAt);
        Assert.Equal(ActionStatus.Running, (await _silos.Actions.GetAsync(running.Id))?.Status);
        await _silos.Actions.CancelAsync(running.Id, "tests");
    }
}
