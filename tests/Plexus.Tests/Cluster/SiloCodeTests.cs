using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// The worker path on two silos with API keys, where only calls stamped with the cluster secret pass for silo code:
/// workers start and complete actions held by either silo, and a cancel reaches the running command.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class SiloCodeTests : IAsyncLifetime
{
    private const string AdminKey = "silo-code-admin-key-0123456789abcdef";

    private readonly TempCluster _silos = new("plexus-silo-code-");

    public Task InitializeAsync() => _silos.DeployAsync(
        2,
        concurrency: 4,
        new Dictionary<string, string?> { ["Plexus:Auth:Keys:ada:Key"] = AdminKey, ["Plexus:Auth:Keys:ada:Role"] = "admin" });

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    private ActionClient Admin => new(_silos.Cluster.Client, new PlexusClientOptions { ApiKey = AdminKey });

    [Fact]
    public async Task WorkerPath_TwoSilosWithKeys_RunsAndCancelsActionsOnBoth()
    {
        var admin = Admin;
        var dispatched = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            dispatched.Add((await admin.DispatchAsync(new ActionRequest($"echo run {i}", "tests"))).Id);
        }

        foreach (var id in dispatched)
        {
            var final = await admin.FinalAsync(id);
            Assert.True(final.Status == ActionStatus.Succeeded, Waiting.Describe(final));
        }

        // The action grains and the workers that ran them are on different silos (or spread over both), so worker
        // calls crossed from one silo to the other.
        var management = _silos.SiloGrains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        var involved = statistics
            .Where(s => s.ActivationCount > 0 && (s.GrainType.Contains("Actions.ActionGrain,", StringComparison.Ordinal) || s.GrainType.Contains("CommandWorkerGrain,", StringComparison.Ordinal)))
            .Select(s => s.SiloAddress)
            .Distinct()
            .Count();
        Assert.True(involved == 2, $"actions and their workers were on {involved} silo(s): {string.Join(", ", statistics.Select(s => $"{s.GrainType}@{s.SiloAddress}={s.ActivationCount}"))}");

        // A cancel reaches the running command through the worker's control object, from whichever silo holds the action.
        var running = await admin.DispatchAsync(new ActionRequest("sh 'sleep 30'", "tests"));
        await admin.UntilAsync(running.Id, a => a.Status == ActionStatus.Running, "the sleep to run");
        await admin.CancelAsync(running.Id, "tests");
        var cancelled = await admin.FinalAsync(running.Id);
        Assert.True(cancelled.Status == ActionStatus.Cancelled, Waiting.Describe(cancelled));
    }
}
