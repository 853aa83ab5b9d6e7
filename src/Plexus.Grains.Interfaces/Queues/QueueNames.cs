namespace Plexus.Queues;

/// <summary>
/// The rules of queue names and of the patterns a silo serves.
/// <list type="bullet">
/// <item>A queue name is one or more parts separated by <c>/</c>, each of lowercase letters, digits, <c>-</c> and
/// <c>_</c>, starting with a letter or digit, at most <see cref="MaxLength"/> characters in all: <c>default</c>,
/// <c>gpu</c>, <c>eval/accuracy</c>.</item>
/// <item>A silo serves entries that are a queue name (that queue only), <c>prefix/*</c> (every queue below
/// <c>prefix/</c> at any depth, not <c>prefix</c> itself) or <c>*</c> (every queue).</item>
/// <item>When several entries of a silo match a queue, the most specific one takes it: the exact name, else the
/// longest <c>prefix/*</c>, else <c>*</c>. Each entry has its own concurrency.</item>
/// </list>
/// </summary>
public static class QueueNames
{
    /// <summary>The queue an action goes to unless its dispatch names one.</summary>
    public const string Default = "default";

    /// <summary>The pattern that matches every queue.</summary>
    public const string Everything = "*";

    /// <summary>The longest queue name.</summary>
    public const int MaxLength = 64;

    private const string Example = "e.g. gpu or eval/accuracy";

    /// <summary>Returns what is wrong with <paramref name="name"/> as a queue name, or <see langword="null"/> when it is one.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"A queue name cannot be empty ({Example}).";
        }

        if (name.Length > MaxLength)
        {
            return $"The queue name '{Shorten(name)}' is longer than {MaxLength} characters.";
        }

        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || !char.IsAsciiLetterLower(part[0]) && !char.IsAsciiDigit(part[0])
                || part.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '-' and not '_'))
            {
                return $"The queue name '{Shorten(name)}' is not valid: use lowercase letters, digits, '-' and '_', " +
                    $"in parts separated by '/' that start with a letter or digit ({Example}).";
            }
        }

        return null;
    }

    /// <summary>Returns <paramref name="name"/>, or <see cref="Default"/> for none; throws <see cref="PlexusException"/> for an invalid name.</summary>
    public static string Require(string? name) =>
        name is null ? Default : Problem(name) is { } problem ? throw new PlexusException(problem) : name;

    /// <summary>Returns what is wrong with <paramref name="pattern"/> as an entry a silo serves, or <see langword="null"/>.</summary>
    public static string? PatternProblem(string? pattern) =>
        pattern == Everything ? null
        : pattern is not null && pattern.EndsWith("/*", StringComparison.Ordinal)
            ? Problem(pattern[..^2]) is null ? null : $"The queue pattern '{Shorten(pattern)}' is not valid: before '/*' must come a queue name ({Example}/*)."
            : Problem(pattern);

    /// <summary>Gets whether the entry <paramref name="pattern"/> matches the queue <paramref name="queue"/>.</summary>
    public static bool Matches(string pattern, string queue)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(queue);
        return pattern == Everything
            || (pattern.EndsWith("/*", StringComparison.Ordinal)
                ? queue.Length > pattern.Length - 1 && queue.StartsWith(pattern[..^1], StringComparison.Ordinal)
                : pattern == queue);
    }

    /// <summary>Gets whether <paramref name="pattern"/> names one queue rather than many.</summary>
    public static bool IsExact(string pattern) => pattern != Everything && !pattern.EndsWith("/*", StringComparison.Ordinal);

    /// <summary>
    /// Returns the entry of <paramref name="patterns"/> that takes <paramref name="queue"/>: the exact name, else the
    /// longest matching <c>prefix/*</c>, else <c>*</c>; <see langword="null"/> when none matches.
    /// </summary>
    public static string? BestMatch(IEnumerable<string> patterns, string queue)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        string? best = null;
        foreach (var pattern in patterns)
        {
            if (Matches(pattern, queue) && (best is null || Specificity(pattern) > Specificity(best)))
            {
                best = pattern;
            }
        }

        return best;
    }

    // An exact name beats every pattern; a longer prefix beats a shorter one; "*" comes last.
    private static int Specificity(string pattern) =>
        IsExact(pattern) ? int.MaxValue : pattern == Everything ? 0 : pattern.Length;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
