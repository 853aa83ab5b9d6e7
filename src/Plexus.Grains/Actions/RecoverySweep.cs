using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Commands;
using Plexus.Queries;

namespace Plexus.Actions;

/// <summary>
/// Wakes every unfinished action once per <see cref="ExecutionOptions.RecoveryInterval"/>, so one whose silo crashed or
/// restarted recovers (see <see cref="IActionRecoveryGrain"/>): the action index lists them, and the active silos share
/// them by the hash of their ids, each silo checking its share. It stands in for a durable reminder per action, which
/// cost two writes and a read of the reminder table per action; an action registers a reminder of its own only while
/// its index entry is behind, when this sweep might not find it.
/// </summary>
/// <remarks>
/// Silos that see the membership differently for a moment check some actions twice or skip some until the next
/// round: a check changes nothing that is not due, and every change is a compare-and-set in the grain.
/// </remarks>
public sealed partial class RecoverySweep(
    IActionIndex index,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger<RecoverySweep> logger) : BackgroundService
{
    private static readonly ActionStatus[] Unfinished = [ActionStatus.Queued, ActionStatus.Running, ActionStatus.Retrying];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first round right away: after a restart the unfinished actions are checked now, not a whole interval later.
        using var ticks = new PeriodicTimer(options.Value.RecoveryInterval, time);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex);
                }
            }
            while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Checks this silo's share of the unfinished actions once; returns how many it checked.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var checkedCount = 0;
        string? cursor = null;
        do
        {
            var page = await index.QueryAsync(new ActionQuery { Statuses = [.. Unfinished], Limit = ActionQuery.MaxLimit, Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            var (share, of) = Share();
            var mine = page.Items.Where(item => (uint)item.Id.GetHashCode() % of == share).ToList();
            await Task.WhenAll(mine.Select(item => grains.GetGrain<IActionRecoveryGrain>(item.Id).RecoverAsync())).ConfigureAwait(false);
            checkedCount += mine.Count;
            cursor = page.Next;
        }
        while (cursor is not null && !cancellationToken.IsCancellationRequested);

        if (checkedCount > 0)
        {
            LogSwept(checkedCount);
        }

        return checkedCount;
    }

    // This silo's place among the active silos, by address; alone (or not yet in the list) it checks everything.
    private (uint Share, uint Of) Share()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .Order()
            .ToList();
        var place = active.IndexOf(silo.SiloAddress);
        return place < 0 ? (0u, 1u) : ((uint)place, (uint)active.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recovery: checked {Count} unfinished actions")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery: the sweep failed; the next one tries again")]
    private partial void LogSweepFailed(Exception exception);
}
