using System.Globalization;

namespace Plexus.Queries;

/// <summary>
/// Where a page of a listing ends: the queue time and id of its last item. The next page holds what sorts after it
/// (older, or as old with a smaller id), so each action is visited once even while new ones arrive (they sort first).
/// </summary>
/// <param name="QueuedAt">The last item's queue time.</param>
/// <param name="Id">The last item's id.</param>
public readonly record struct ActionCursor(DateTimeOffset QueuedAt, Guid Id)
{
    /// <summary>Returns the text form a client passes back unchanged: <c>ticks.id</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{QueuedAt.UtcTicks}.{Id:N}");

    /// <summary>Reads a cursor made by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out ActionCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.') ?? -1;
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(text.AsSpan(dot + 1), "N", out var id))
        {
            return false;
        }

        cursor = new ActionCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
