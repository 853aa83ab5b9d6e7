namespace Plexus.Queries;

/// <summary>
/// The store behind listings: one entry per action, kept by the action grains after each stored change. Silo code
/// only; clients list through <see cref="IActionQueryGrain"/>. Every backend passes the same contract tests.
/// </summary>
public interface IActionIndex
{
    /// <summary>
    /// Stores <paramref name="item"/> unless the entry of its action already has the same or a higher version, so
    /// repeating an update, or one arriving late, changes nothing.
    /// </summary>
    Task UpsertAsync(ActionListItem item, CancellationToken cancellationToken = default);

    /// <summary>Returns one page of the entries matching <paramref name="query"/> (already checked for problems).</summary>
    Task<ActionPage> QueryAsync(ActionQuery query, CancellationToken cancellationToken = default);

    /// <summary>Returns up to <paramref name="limit"/> entries whose <see cref="ActionListItem.RetainUntil"/> is at or before <paramref name="now"/>, the earliest first.</summary>
    Task<IReadOnlyList<ActionListItem>> DueForRemovalAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry of <paramref name="item"/>'s action unless it holds a higher version; removing a missing entry changes nothing.</summary>
    Task RemoveAsync(ActionListItem item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns, per queue that has any, how many actions are <see cref="Actions.ActionStatus.Queued"/> and when the
    /// earliest of them was queued. By default it pages through <see cref="QueryAsync"/>; a backend may answer it at once.
    /// </summary>
    async Task<IReadOnlyList<QueueBacklog>> QueuedAsync(CancellationToken cancellationToken = default)
    {
        var backlog = new Dictionary<string, QueueBacklog>(StringComparer.Ordinal);
        var query = new ActionQuery { Statuses = [Actions.ActionStatus.Queued], Limit = ActionQuery.MaxLimit };
        do
        {
            var page = await QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items.Where(i => i.Status == Actions.ActionStatus.Queued))
            {
                backlog[item.Queue] = backlog.TryGetValue(item.Queue, out var known)
                    ? new QueueBacklog(item.Queue, known.Count + 1, item.QueuedAt < known.OldestQueuedAt ? item.QueuedAt : known.OldestQueuedAt)
                    : new QueueBacklog(item.Queue, 1, item.QueuedAt);
            }

            query = query with { Cursor = page.Next };
        }
        while (query.Cursor is not null);

        return [.. backlog.Values];
    }
}

/// <summary>The queued actions of one queue.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Count">How many of its actions are queued.</param>
/// <param name="OldestQueuedAt">When the earliest of them was queued.</param>
public sealed record QueueBacklog(string Queue, long Count, DateTimeOffset OldestQueuedAt);
