using System.Globalization;

namespace Plexus.Actions;

/// <summary>What one attempt's whole process tree (the command's process and its descendants) used.</summary>
/// <param name="CpuSeconds">CPU time, user plus system, of every process of the tree, in seconds.</param>
/// <param name="PeakMemoryBytes">The highest resident memory (RSS) of the tree at one time, in bytes.</param>
[GenerateSerializer, Alias("plexus.ResourceUse")]
public sealed record ResourceUse(
    [property: Id(0)] double CpuSeconds,
    [property: Id(1)] long PeakMemoryBytes);

/// <summary>
/// What one attempt's process tree may use; past a limit the tree is killed and the attempt ends Failed. Each
/// <see langword="null"/> means no limit of that kind.
/// </summary>
/// <param name="MaxMemoryBytes">The most resident memory (RSS) the tree may hold at one time, in bytes.</param>
/// <param name="MaxCpuTime">The most CPU time, user plus system, the tree may use in all.</param>
[GenerateSerializer, Alias("plexus.ResourceLimits")]
public sealed record ResourceLimits(
    [property: Id(0)] long? MaxMemoryBytes = null,
    [property: Id(1)] TimeSpan? MaxCpuTime = null)
{
    /// <summary>Gets whether neither limit is set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => MaxMemoryBytes is null && MaxCpuTime is null;

    /// <summary>Returns the tighter of each limit of <paramref name="first"/> and <paramref name="second"/>; null when neither sets any.</summary>
    public static ResourceLimits? Tightest(ResourceLimits? first, ResourceLimits? second)
    {
        var combined = new ResourceLimits(
            Min(first?.MaxMemoryBytes, second?.MaxMemoryBytes),
            Min(first?.MaxCpuTime, second?.MaxCpuTime));
        return combined.IsEmpty ? null : combined;
    }

    /// <summary>Names the memory limit as users read it: "memory limit of 256 MiB".</summary>
    public static string DescribeMemory(long bytes) => $"memory limit of {ByteSize.Format(bytes)}";

    /// <summary>Names the CPU-time limit as users read it: "CPU-time limit of 600 s".</summary>
    public static string DescribeCpuTime(TimeSpan limit) =>
        $"CPU-time limit of {limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static T? Min<T>(T? a, T? b) where T : struct, IComparable<T> =>
        a is { } x && b is { } y ? (x.CompareTo(y) <= 0 ? x : y) : a ?? b;
}

/// <summary>Sizes in bytes as people write them: <c>256MiB</c>, <c>1.5GiB</c>, <c>512MB</c>, <c>1048576</c>.</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1L),
    ];

    /// <summary>Reads <paramref name="text"/> as a positive size in bytes; null when it is not one.</summary>
    public static long? TryParse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        var (number, factor) = (trimmed, 1L);
        foreach (var (suffix, unitFactor) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                (number, factor) = (trimmed[..^suffix.Length].TrimEnd(), unitFactor);
                break;
            }
        }

        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count)
               && count * factor is var bytes and >= 1 and < long.MaxValue
            ? (long)bytes
            : null;
    }

    /// <summary>Reads <paramref name="text"/> as a size, or throws <see cref="PlexusException"/> naming <paramref name="what"/> and the forms accepted.</summary>
    public static long Parse(string text, string what) => TryParse(text)
        ?? throw new PlexusException($"{what} '{text}' is not a size: give a number of bytes with a unit, such as 256MiB, 2GiB or 500MB.");

    /// <summary>Writes <paramref name="bytes"/> in the largest binary unit that keeps it readable: "256 MiB", "1.5 GiB", "900 B".</summary>
    public static string Format(long bytes)
    {
        string[] names = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < names.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(unit == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + names[unit];
    }
}
