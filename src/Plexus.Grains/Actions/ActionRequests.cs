using Plexus.Commands;

namespace Plexus.Actions;

/// <summary>The rules a dispatched request must meet before an action is stored for it.</summary>
public static class ActionRequests
{
    /// <summary>
    /// Checks <paramref name="request"/> for the action <paramref name="id"/> against <see cref="RequestRules"/> and the catalog and returns its retry
    /// policy (<paramref name="defaults"/> with the request's overrides). Throws <see cref="CommandRejectedException"/>
    /// for a command the catalog refuses and <see cref="PlexusException"/> for any other unusable part.
    /// </summary>
    public static RetryPolicy Validate(ActionRequest request, Guid id, CommandCatalog catalog, RetryPolicy defaults)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(defaults);
        RequestRules.Check(request);
        if (request.IdempotencyKey is { } key && IdempotencyKeys.ActionId(key) != id)
        {
            throw new PlexusException(
                $"Action id {id} does not belong to the idempotency key '{key}'; dispatch it to IdempotencyKeys.ActionId(key).");
        }

        Queues.QueueNames.Require(request.Queue);
        for (var i = 0; i < request.Commands.Count; i++)
        {
            var command = request.Commands[i];
            ProcessSpec spec;
            try
            {
                spec = catalog.Resolve(command);
            }
            catch (CommandRejectedException rejected) when (request.Commands.Count > 1)
            {
                throw new CommandRejectedException(rejected.Rule, $"Step {i + 1}: {rejected.Message}");
            }

            RequireWithin(request.Limits, spec.Limits, CommandCatalog.NameOf(command));
        }

        var retry = defaults.With(request.Retry);
        return retry.Problem() is { } problem ? throw new PlexusException(problem) : retry;
    }

    /// <summary>
    /// Returns <paramref name="existing"/> when <paramref name="request"/> repeats the dispatch that created it (same
    /// idempotency key and command); throws <see cref="PlexusException"/> saying why not otherwise.
    /// </summary>
    public static ActionSnapshot SameIdempotentRequest(ActionSnapshot existing, ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(request);
        if (request.IdempotencyKey is not { } key || existing.IdempotencyKey != key)
        {
            throw new PlexusException($"Action {existing.Id} already exists; dispatch with a new id.");
        }

        if (existing.Command != request.Command || (existing.Steps.Count > 1) != (request.Commands.Count > 1)
            || (existing.Steps.Count > 1 && !existing.Steps.Select(s => s.Command).SequenceEqual(request.Commands)))
        {
            throw new PlexusException(
                $"The idempotency key '{key}' was already used for action {existing.Id} with the command '{existing.Command}'; use another key for another command.");
        }

        return existing;
    }

    // A dispatch may tighten its catalog entry's limits, never loosen them.
    private static void RequireWithin(ResourceLimits? asked, ResourceLimits? entry, string name)
    {
        if (asked?.MaxMemoryBytes is { } memory)
        {
            if (memory < 1)
            {
                throw new PlexusException($"The memory limit must be positive; it is {memory} bytes.");
            }

            if (entry?.MaxMemoryBytes is { } most && memory > most)
            {
                throw new PlexusException(
                    $"The memory limit of {ByteSize.Format(memory)} is above the '{name}' command's own limit of {ByteSize.Format(most)}; ask for at most that.");
            }
        }

        if (asked?.MaxCpuTime is { } cpu)
        {
            if (cpu <= TimeSpan.Zero)
            {
                throw new PlexusException($"The CPU-time limit must be positive; it is {cpu.TotalSeconds} s.");
            }

            if (entry?.MaxCpuTime is { } most && cpu > most)
            {
                throw new PlexusException(
                    $"The CPU-time limit of {cpu.TotalSeconds:0.###} s is above the '{name}' command's own limit of {most.TotalSeconds:0.###} s; ask for at most that.");
            }
        }
    }
}
