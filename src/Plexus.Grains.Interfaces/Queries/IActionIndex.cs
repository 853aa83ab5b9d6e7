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
}
