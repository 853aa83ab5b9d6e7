using System.Globalization;

namespace Plexus.Client;

/// <summary>Reads the times a person gives a listing filter: an age (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>, <c>2w</c>) or a date and time.</summary>
public static class TimeFilter
{
    /// <summary>
    /// Returns the moment <paramref name="text"/> names: an age counts back from <paramref name="now"/>; a date
    /// (<c>2026-11-30</c>) is its local midnight; a date and time without an offset is local. Throws
    /// <see cref="PlexusException"/> saying what is expected.
    /// </summary>
    public static DateTimeOffset Parse(string text, string option, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (TrySpan(trimmed, out var age))
        {
            return now - age;
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at))
        {
            return at;
        }

        throw new PlexusException($"{option} '{text}' is not a time: give an age such as 30m, 1h, 7d, or a date such as 2026-11-30 (2026-11-30T14:00 for a time).");
    }

    /// <summary>Reads a length of time such as <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c> or <c>2w</c>, or throws <see cref="PlexusException"/> saying what is expected.</summary>
    public static TimeSpan ParseSpan(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TrySpan(text.Trim(), out var span) && span > TimeSpan.Zero
            ? span
            : throw new PlexusException($"{option} '{text}' is not a length of time: give a number and a unit, such as 90s, 30m, 12h, 7d or 2w.");
    }

    private static bool TrySpan(string text, out TimeSpan span)
    {
        span = default;
        if (text.Length < 2 || Unit(text[^1]) is not { } unit
            || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count)
            || count * unit.TotalSeconds >= TimeSpan.FromDays(36500).TotalSeconds)
        {
            return false;
        }

        span = count * unit;
        return true;
    }

    private static TimeSpan? Unit(char suffix) => suffix switch
    {
        's' => TimeSpan.FromSeconds(1),
        'm' => TimeSpan.FromMinutes(1),
        'h' => TimeSpan.FromHours(1),
        'd' => TimeSpan.FromDays(1),
        'w' => TimeSpan.FromDays(7),
        _ => null,
    };
}
