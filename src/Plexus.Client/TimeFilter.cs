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
        if (trimmed.Length > 1 && Unit(trimmed[^1]) is { } unit
            && double.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count)
            && count * unit.TotalSeconds < TimeSpan.FromDays(36500).TotalSeconds)
        {
            return now - count * unit;
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at))
        {
            return at;
        }

        throw new PlexusException($"{option} '{text}' is not a time: give an age such as 30m, 1h, 7d, or a date such as 2026-11-30 (2026-11-30T14:00 for a time).");
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
