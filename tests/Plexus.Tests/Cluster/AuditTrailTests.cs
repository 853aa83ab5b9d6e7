using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Persistence.Sqlite.Audit;
using Plexus.Persistence.Sqlite.Options;

namespace Plexus.Tests.Cluster;

/// <summary>
/// The audit trail kept by the action grains of a real silo: who did what, from where, with what outcome, with the
/// action and in the audit log; refused calls in the log only; a failing log never failing the action.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class AuditTrailTests : IAsyncLifetime
{
    // What ActionClient sends with every call: the same values the CLI shows a user.
    private static readonly string Me = ActionClient.DefaultSubmitter;
    private static readonly string MyHost = Environment.MachineName;

    private readonly TempCluster _silos = new("plexus-audit-");

    public Task InitializeAsync() => _silos.DeployAsync(
        1,
        concurrency: 2,
        configureSilo: silo => silo.Services.AddSingleton<IAuditLog>(services => new FailingLog(new SqliteAuditLog(
            services.GetRequiredService<IOptions<SqliteAuditLogOptions>>(), services.GetRequiredService<IOptions<ClusterOptions>>()))));

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    private ActionClient Actions => _silos.Actions;

    private async Task<IReadOnlyList<AuditRecord>> LoggedAsync(Guid id) =>
        (await Actions.ListAuditAsync(new AuditQuery { ActionId = id, Limit = AuditRecord.PerActionLimit })).Items;

    private string SiloAddress => _silos.Cluster.Silos.Single().SiloAddress.ToString();

    [Fact]
    public async Task Dispatch_RetriedCommand_RecordsTheDispatchByTheCallerAndTheRetryByTheCluster()
    {
        var queued = await Actions.DispatchAsync(new ActionRequest("sh 'exit 75'", "tests", Retry: new RetryOverrides(MaxAttempts: 2, RetryExitCodes: [75])));
        var final = await Actions.FinalAsync(queued.Id);
        var logged = await LoggedAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        var dispatch = Assert.Single(queued.Audit);
        Assert.Equal((AuditOperation.Dispatch, AuditOutcome.Accepted, Me, MyHost, queued.Id, "sh 'exit 75'"), (dispatch.Operation, dispatch.Outcome, dispatch.Actor, dispatch.Origin, dispatch.ActionId, dispatch.Detail));
        Assert.Equal([AuditOperation.Dispatch, AuditOperation.Retry], final.Audit.Select(e => e.Operation));
        var retry = final.Audit[1];
        Assert.Equal((AuditRecord.SystemActor, SiloAddress, AuditOutcome.Accepted), (retry.Actor, retry.Origin, retry.Outcome));
        Assert.Contains("attempt 1 ended Failed", retry.Detail, StringComparison.Ordinal);
        Assert.Equal(final.Audit.Reverse(), logged);
    }

    [Fact]
    public async Task Cancel_RunningThenFinishedAction_RecordsTheCancelWithTheActionAndTheRefusalInTheLogOnly()
    {
        var queued = await Actions.DispatchAsync(new ActionRequest("sh 'sleep 60'", "tests"));
        await Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "the sleep to run");

        var cancel = await Actions.CancelAsync(queued.Id, "someone-else");
        var final = await Actions.FinalAsync(queued.Id);
        var again = await Actions.CancelAsync(queued.Id, "someone-else");
        var logged = await LoggedAsync(queued.Id);

        Assert.True(cancel.Accepted);
        Assert.False(again.Accepted);
        Assert.Equal(ActionStatus.Cancelled, final.Status);
        Assert.Equal([AuditOperation.Dispatch, AuditOperation.Cancel], final.Audit.Select(e => e.Operation));

        // The identity the client sent wins over the name the call passed; the security work replaces both.
        var cancelled = final.Audit[1];
        Assert.Equal((Me, MyHost, AuditOutcome.Accepted), (cancelled.Actor, cancelled.Origin, cancelled.Outcome));
        var refused = logged[0];
        Assert.Equal((AuditOperation.Cancel, AuditOutcome.Refused, Me, again.Message), (refused.Operation, refused.Outcome, refused.Actor, refused.Detail));
        Assert.Equal(final.Audit.Reverse(), logged.Skip(1));
    }

    [Fact]
    public async Task Dispatch_CommandNotInCatalog_IsRecordedRefusedInTheLogOnly()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => Actions.DispatchAsync(new ActionRequest("rm -rf /", "tests")));

        var logged = (await Actions.ListAuditAsync(new AuditQuery { Since = since, Actor = Me, Limit = AuditRecord.PerActionLimit })).Items;
        var refused = Assert.Single(logged, e => e.Operation == AuditOperation.Dispatch && e.Outcome == AuditOutcome.Refused && e.Detail == error.Message);
        Assert.Equal(MyHost, refused.Origin);
        Assert.Null(await Actions.GetAsync(refused.ActionId));
    }

    [Fact]
    public async Task Submit_WithoutCallerIdentity_RecordsTheRequestsSubmitter()
    {
        // Straight to the grain, past ActionClient: nothing in the request context names the caller.
        var id = Guid.CreateVersion7();

        var queued = await _silos.Cluster.Client.GetGrain<IActionGrain>(id).SubmitAsync(new ActionRequest("echo plain", "batch@ci"));

        var dispatch = Assert.Single(queued.Audit);
        Assert.Equal(("batch@ci", (string?)null), (dispatch.Actor, dispatch.Origin));
        Assert.Equal([dispatch], await LoggedAsync(id));
    }

    [Fact]
    public async Task Dispatch_AuditLogFailing_ActionStillSucceedsAndKeepsItsEntries()
    {
        var id = Guid.CreateVersion7();
        FailingLog.Fail(id);

        var queued = await _silos.Cluster.Client.GetGrain<IActionGrain>(id).SubmitAsync(new ActionRequest("echo unaudited", "tests"));
        var final = await Actions.FinalAsync(queued.Id);
        FailingLog.Heal(id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(AuditOperation.Dispatch, Assert.Single(final.Audit).Operation);
        Assert.Empty(await LoggedAsync(id));
    }

    // The silo's audit log, whose appends for a chosen action fail while a test says so.
    private sealed class FailingLog(IAuditLog inner) : IAuditLog
    {
        private static readonly ConcurrentDictionary<Guid, bool> Failing = new();

        public static void Fail(Guid id) => Failing[id] = true;

        public static void Heal(Guid id) => Failing.TryRemove(id, out _);

        public Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken = default) =>
            Failing.ContainsKey(entry.ActionId) ? throw new IOException($"Injected audit log fault for {entry.ActionId}.") : inner.AppendAsync(entry, cancellationToken);

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);
    }
}
