using Orleans.Concurrency;

namespace Plexus.Queries;

/// <summary>Answers listings from the silo's <see cref="IActionIndex"/>; any silo can, so one runs on each.</summary>
[StatelessWorker]
public sealed class ActionQueryGrain(IActionIndex index) : Grain, IActionQueryGrain
{
    /// <inheritdoc />
    public Task<ActionPage> ListAsync(ActionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Problem() is { } problem ? throw new PlexusException(problem) : index.QueryAsync(query);
    }
}
