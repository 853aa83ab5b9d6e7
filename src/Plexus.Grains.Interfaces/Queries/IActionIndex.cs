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
}
