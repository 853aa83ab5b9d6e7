using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>A change the store refuses changes nothing: the grain's memory stays what is stored.</summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class StorageFailureTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-storage-failure-");

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 2, configureSilo: silo => FaultInjectingGrainStorage.Register(silo, _silos.DataDir));

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task CancelAsync_RunningActionWhoseWriteFails_ChangesNothingAndALaterCancelWorks()
    {
        var queued = await _silos.Actions.DispatchAsync(new ActionRequest("sh 'sleep 60'", "tests"));
        var running = await _silos.Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "the sleep to run");

        FaultInjectingGrainStorage.Fail(queued.Id);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => _silos.Actions.CancelAsync(queued.Id, "tests"));
        var after = await _silos.Actions.GetAsync(queued.Id);
        FaultInjectingGrainStorage.Heal(queued.Id);

        Assert.Contains("Injected storage fault", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(after);
        Assert.Equal(ActionStatus.Running, after.Status);
        Assert.Null(after.CancelRequestedBy);
        Assert.Equal(running.Version, after.Version);

        // The command was not told to stop by the refused cancel; a cancel that is stored stops it.
        var cancel = await _silos.Actions.CancelAsync(queued.Id, "tests");
        var final = await _silos.Actions.FinalAsync(queued.Id);

        Assert.True(cancel.Accepted, cancel.Message);
        Assert.Equal(ActionStatus.Cancelled, final.Status);
        Assert.Equal("tests", final.CancelRequestedBy);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(final.Attempts).Outcome);
    }
}
