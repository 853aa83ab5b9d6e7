using System.Collections.Immutable;
using Plexus.Actions;

namespace Plexus.Queries;

/// <summary>
/// Which actions to list: every filter that is set must hold. Newest first (by when they were queued); at most
/// <see cref="Limit"/> of them, continuing after <see cref="Cursor"/> (the <see cref="ActionPage.Next"/> of the page before).
/// </summary>
[GenerateSerializer, Alias("plexus.ActionQuery")]
public sealed record ActionQuery
{
    /// <summary>The most items one page may ask for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The items a page holds when the query does not say.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Gets the statuses to keep; empty keeps every status.</summary>
    [Id(0)] public ImmutableArray<ActionStatus> Statuses { get; init; } = [];

    /// <summary>Gets the start the command string must have (e.g. <c>evaluate</c>), if any.</summary>
    [Id(1)] public string? CommandPrefix { get; init; }

    /// <summary>Gets the submitter to keep, if any (compared exactly).</summary>
    [Id(2)] public string? Submitter { get; init; }

    /// <summary>Gets the earliest queue time to keep (inclusive), if any.</summary>
    [Id(3)] public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the latest queue time to keep (exclusive), if any.</summary>
    [Id(4)] public DateTimeOffset? Until { get; init; }

    /// <summary>Gets how many items one page holds at most, 1 to <see cref="MaxLimit"/>.</summary>
    [Id(5)] public int Limit { get; init; } = DefaultLimit;

    /// <summary>Gets where the page starts: the <see cref="ActionPage.Next"/> of the page before; null for the first.</summary>
    [Id(6)] public string? Cursor { get; init; }

    /// <summary>Returns what makes the query unusable, naming the part and the fix; <see langword="null"/> when it is fine.</summary>
    public string? Problem()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            return $"The limit must be between 1 and {MaxLimit}; it is {Limit}.";
        }

        if (Since is { } since && Until is { } until && since >= until)
        {
            return $"'since' ({since:O}) must come before 'until' ({until:O}).";
        }

        if (Cursor is { } cursor && !ActionCursor.TryParse(cursor, out _))
        {
            return $"'{cursor}' is not a cursor: pass the 'next' value of the page before, unchanged.";
        }

        return CommandPrefix is { Length: > 1024 } || Submitter is { Length: > 1024 } ? "A command prefix or submitter longer than 1024 characters matches nothing." : null;
    }
}

/// <summary>One page of a listing: its items, where the next page starts, and how many actions match per status.</summary>
/// <param name="Items">The actions of this page, newest first.</param>
/// <param name="Next">The cursor of the next page; <see langword="null"/> on the last one.</param>
/// <param name="Counts">How many actions match the query's filters, per status (all pages together).</param>
[GenerateSerializer, Alias("plexus.ActionPage")]
public sealed record ActionPage(
    [property: Id(0)] IReadOnlyList<ActionListItem> Items,
    [property: Id(1)] string? Next,
    [property: Id(2)] IReadOnlyDictionary<ActionStatus, long> Counts);

/// <summary>What a listing shows of one action; <c>status --json</c> has the rest.</summary>
[GenerateSerializer, Alias("plexus.ActionListItem")]
public sealed record ActionListItem
{
    /// <summary>Gets the action id.</summary>
    [Id(0)] public required Guid Id { get; init; }

    /// <summary>Gets the status.</summary>
    [Id(1)] public required ActionStatus Status { get; init; }

    /// <summary>Gets the command string as dispatched.</summary>
    [Id(2)] public required string Command { get; init; }

    /// <summary>Gets who dispatched it.</summary>
    [Id(3)] public required string Submitter { get; init; }

    /// <summary>Gets when it was queued.</summary>
    [Id(4)] public DateTimeOffset QueuedAt { get; init; }

    /// <summary>Gets when its current attempt started.</summary>
    [Id(5)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it reached its final state.</summary>
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets how far it is, 0–100, when known.</summary>
    [Id(7)] public double? Percent { get; init; }

    /// <summary>Gets its current attempt.</summary>
    [Id(8)] public int Attempt { get; init; }

    /// <summary>Gets the version of the action this item was made from: an index keeps the highest.</summary>
    [Id(9)] public long Version { get; init; }

    /// <summary>Gets until when the action is kept, once it is final; past it the action is removed.</summary>
    [Id(10)] public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>Gets the queue the action waits in or ran from (see <see cref="Queues.QueueNames"/>).</summary>
    [Id(11)] public string Queue { get; init; } = Queues.QueueNames.Default;

    /// <summary>Returns the list item of <paramref name="action"/>.</summary>
    public static ActionListItem From(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new ActionListItem
        {
            Id = action.Id,
            Status = action.Status,
            Command = action.Command,
            Submitter = action.Submitter,
            QueuedAt = action.QueuedAt,
            StartedAt = action.StartedAt,
            FinishedAt = action.FinishedAt,
            Percent = action.Percent,
            Attempt = action.Attempt,
            Version = action.Version,
            RetainUntil = action.RetainUntil,
            Queue = action.Queue,
        };
    }
}
