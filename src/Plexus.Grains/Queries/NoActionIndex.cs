namespace Plexus.Queries;

/// <summary>
/// The index of a silo whose profile keeps none: actions run as usual and are not listed; a listing says so instead
/// of answering with an empty page that would look like "nothing ran".
/// </summary>
public sealed class NoActionIndex : IActionIndex
{
    /// <inheritdoc />
    public Task UpsertAsync(ActionListItem item, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionListItem>> DueForRemovalAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ActionListItem>>([]);

    /// <inheritdoc />
    public Task RemoveAsync(ActionListItem item, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueBacklog>> QueuedAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<QueueBacklog>>([]);

    /// <inheritdoc />
    public Task<ActionPage> QueryAsync(ActionQuery query, CancellationToken cancellationToken = default) =>
        throw new PlexusException("Listing actions is not available on this cluster: its profile keeps no action index (the embedded default and the Aws profile do).");
}
