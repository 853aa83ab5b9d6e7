using Plexus.Queries;

namespace Plexus.Audit;

/// <summary>
/// Which audit entries to list: every filter that is set must hold. Newest first; at most <see cref="Limit"/>,
/// continuing after <see cref="Cursor"/> (the <see cref="AuditPage.Next"/> of the page before).
/// </summary>
[GenerateSerializer, Alias("plexus.AuditQuery")]
public sealed record AuditQuery
{
    /// <summary>Gets the earliest time to keep (inclusive), if any.</summary>
    [Id(0)] public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the actor to keep (compared exactly), if any.</summary>
    [Id(1)] public string? Actor { get; init; }

    /// <summary>Gets the action to keep, if any.</summary>
    [Id(2)] public Guid? ActionId { get; init; }

    /// <summary>Gets how many entries one page holds at most, 1 to <see cref="ActionQuery.MaxLimit"/>.</summary>
    [Id(3)] public int Limit { get; init; } = ActionQuery.DefaultLimit;

    /// <summary>Gets where the page starts: the <see cref="AuditPage.Next"/> of the page before; null for the first.</summary>
    [Id(4)] public string? Cursor { get; init; }

    /// <summary>Returns what makes the query unusable, naming the part and the fix; <see langword="null"/> when it is fine.</summary>
    public string? Problem()
    {
        if (Limit is < 1 or > ActionQuery.MaxLimit)
        {
            return $"The limit must be between 1 and {ActionQuery.MaxLimit}; it is {Limit}.";
        }

        if (Cursor is { } cursor && !AuditCursor.TryParse(cursor, out _))
        {
            return $"'{cursor}' is not a cursor: pass the 'next' value of the page before, unchanged.";
        }

        return Actor is { Length: > 1024 } ? "An actor longer than 1024 characters matches nothing." : null;
    }
}

/// <summary>One page of the audit log.</summary>
/// <param name="Items">The entries of this page, newest first.</param>
/// <param name="Next">The cursor of the next page; <see langword="null"/> on the last one.</param>
[GenerateSerializer, Alias("plexus.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditRecord> Items,
    [property: Id(1)] string? Next);

/// <summary>
/// Where a page of the audit log ends: the time and id of its last entry. The next page holds what sorts after it
/// (older, or as old with a smaller id), so paging visits each entry once while new ones arrive (they sort first).
/// </summary>
/// <param name="At">The last entry's time.</param>
/// <param name="Id">The last entry's id.</param>
public readonly record struct AuditCursor(DateTimeOffset At, Guid Id)
{
    /// <summary>Returns the cursor after <paramref name="entry"/>.</summary>
    public static AuditCursor After(AuditRecord entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new AuditCursor(entry.At, entry.Id);
    }

    /// <summary>Returns the text form a client passes back unchanged (the same form as a listing's cursor).</summary>
    public override string ToString() => new ActionCursor(At, Id).ToString();

    /// <summary>Reads a cursor made by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out AuditCursor cursor)
    {
        var parsed = ActionCursor.TryParse(text, out var position);
        cursor = new AuditCursor(position.QueuedAt, position.Id);
        return parsed;
    }
}
