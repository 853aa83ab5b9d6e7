using System.Collections.Immutable;
using Plexus.Actions;

namespace Plexus.Feed;

/// <summary>
/// One action as a live table shows it, pushed by the cluster whenever the action changes: its row of a listing plus
/// the stage it is in and when that stage should end. Never its output or result: the feed carries every action's changes.
/// </summary>
[GenerateSerializer, Alias("plexus.ActionChange")]
public sealed record ActionChange
{
    /// <summary>Gets the action id.</summary>
    [Id(0)] public required Guid Id { get; init; }

    /// <summary>Gets the lifecycle state.</summary>
    [Id(1)] public required ActionStatus Status { get; init; }

    /// <summary>Gets the command string as dispatched.</summary>
    [Id(2)] public required string Command { get; init; }

    /// <summary>Gets who dispatched it.</summary>
    [Id(3)] public required string Submitter { get; init; }

    /// <summary>Gets when it was accepted.</summary>
    [Id(4)] public DateTimeOffset QueuedAt { get; init; }

    /// <summary>Gets when its current attempt started.</summary>
    [Id(5)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it reached its final state.</summary>
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets how far the current stage is, 0–100, when it reports a total.</summary>
    [Id(7)] public double? Percent { get; init; }

    /// <summary>Gets the name of the stage it is in (the last one reported), if any.</summary>
    [Id(8)] public string? Stage { get; init; }

    /// <summary>Gets the stages reported so far, in order, for a stage-segmented progress bar.</summary>
    [Id(9)] public ImmutableList<StageInfo> Stages { get; init; } = [];

    /// <summary>Gets when the current stage should end, once it is at least 10% done.</summary>
    [Id(10)] public DateTimeOffset? EstimatedCompletion { get; init; }

    /// <summary>Gets the current (or last) attempt number.</summary>
    [Id(11)] public int Attempt { get; init; }

    /// <summary>Gets the action's version: a later change of the same action has a higher one.</summary>
    [Id(12)] public long Version { get; init; }

    /// <summary>Gets the queue the action waits in.</summary>
    [Id(13)] public string Queue { get; init; } = Queues.QueueNames.Default;

    /// <summary>Returns the change <paramref name="action"/> is now.</summary>
    public static ActionChange From(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new ActionChange
        {
            Id = action.Id,
            Status = action.Status,
            Command = action.Command,
            Submitter = action.Submitter,
            QueuedAt = action.QueuedAt,
            StartedAt = action.StartedAt,
            FinishedAt = action.FinishedAt,
            Percent = action.Percent,
            Stage = action.Stages.Count > 0 ? action.Stages[^1].Name : null,
            Stages = action.Stages,
            EstimatedCompletion = action.EstimatedCompletion,
            Attempt = action.Attempt,
            Version = action.Version,
            Queue = action.Queue,
        };
    }
}
