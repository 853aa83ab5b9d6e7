using System.Globalization;
using System.Text;

namespace Plexus.Progress;

/// <summary>
/// Recognises progress in a command's text output, fed in chunks of any size: <c>::plexus</c> protocol lines
/// (see <c>docs/progress.md</c>) and tqdm-style progress bars, which need no change to the command.
/// </summary>
/// <remarks>
/// <para>
/// Output is cut into segments at <c>\n</c>, <c>\r\n</c> and a bare <c>\r</c> (tqdm redraws its bar after a
/// <c>\r</c>), wherever the chunk boundaries fall. Each completed segment yields at most one update; text that
/// is not progress yields nothing, and nothing here throws on any input. The last, unterminated segment is
/// only looked at by <see cref="Flush"/>.
/// </para>
/// <para>
/// The parser works on text: decode bytes first with a <see cref="Decoder"/> so a character split between two
/// reads stays whole. Pure and allocation-light, but not thread-safe: one reader feeds it.
/// </para>
/// </remarks>
public sealed class ProgressParser
{
    /// <summary>The stage reported for a tqdm bar that has no description.</summary>
    public const string DefaultStage = "Progress";

    /// <summary>The longest segment, in characters, that is kept while waiting for its end (64 Ki).</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    /// <summary>The word a protocol line starts with.</summary>
    public const string ProtocolPrefix = "::plexus";

    // tqdm's SI prefixes with unit_scale=True (format_sizeof, divisor 1000); unit_divisor=1024 cannot be told apart.
    private const string SiPrefixes = "kMGTPEZY";

    private static readonly IReadOnlyList<ProgressUpdate> None = [];

    private readonly int _maxLineLength;
    private char[] _pending = [];
    private int _pendingLength;
    private bool _overflowed;

    /// <summary>Creates a parser that keeps at most <see cref="DefaultMaxLineLength"/> characters of a pending segment.</summary>
    public ProgressParser()
        : this(DefaultMaxLineLength)
    {
    }

    /// <summary>Creates a parser that keeps at most <paramref name="maxLineLength"/> characters of a pending segment.</summary>
    /// <param name="maxLineLength">
    /// The longest segment that is parsed. A longer one is dropped whole, however it arrives.
    /// </param>
    public ProgressParser(int maxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        _maxLineLength = maxLineLength;
    }

    /// <summary>
    /// Adds the next piece of output and returns the updates found in the segments it completes, in order.
    /// </summary>
    public IReadOnlyList<ProgressUpdate> Feed(ReadOnlySpan<char> text)
    {
        List<ProgressUpdate>? updates = null;
        while (!text.IsEmpty)
        {
            var end = text.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                Append(text);
                break;
            }

            // "\r\n" ends a segment at "\r" and then an empty one at "\n": empty segments yield nothing, so the
            // pair needs no special case, also when a chunk boundary falls between the two characters.
            var head = text[..end];
            if (_pendingLength == 0 && !_overflowed)
            {
                if (head.Length <= _maxLineLength)
                {
                    Collect(head, ref updates);
                }
            }
            else
            {
                Append(head);
                if (!_overflowed)
                {
                    Collect(_pending.AsSpan(0, _pendingLength), ref updates);
                }

                ResetPending();
            }

            text = text[(end + 1)..];
        }

        return updates ?? None;
    }

    /// <summary>
    /// Ends the output: returns the update in the last segment if it had no line end, and clears the parser.
    /// </summary>
    public IReadOnlyList<ProgressUpdate> Flush()
    {
        List<ProgressUpdate>? updates = null;
        if (!_overflowed)
        {
            Collect(_pending.AsSpan(0, _pendingLength), ref updates);
        }

        ResetPending();
        return updates ?? None;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_overflowed || text.IsEmpty)
        {
            return;
        }

        // A command can write without line ends for ever (a binary dump, a spinner with no \r): past the cap the
        // segment is dropped whole rather than grown or parsed truncated, since a cut-off line could read as a
        // different, wrong update (processed=12345 cut to processed=12). Memory stays at most the cap.
        if (_pendingLength + text.Length > _maxLineLength)
        {
            _overflowed = true;
            _pendingLength = 0;
            return;
        }

        if (_pendingLength + text.Length > _pending.Length)
        {
            var size = Math.Min(_maxLineLength, Math.Max(_pendingLength + text.Length, Math.Max(256, _pending.Length * 2)));
            Array.Resize(ref _pending, size);
        }

        text.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += text.Length;
    }

    private void ResetPending()
    {
        _pendingLength = 0;
        _overflowed = false;
    }

    private static void Collect(ReadOnlySpan<char> segment, ref List<ProgressUpdate>? updates)
    {
        var update = Parse(segment);
        if (update is not null)
        {
            (updates ??= []).Add(update);
        }
    }

    /// <summary>Parses one segment (no line end in it): a protocol line, a tqdm bar, or nothing.</summary>
    private static ProgressUpdate? Parse(ReadOnlySpan<char> segment)
    {
        if (segment.IsWhiteSpace())
        {
            return null;
        }

        // Coloured bars and nested bars (tqdm's position=) carry ANSI escape sequences.
        if (segment.Contains('\u001b'))
        {
            segment = StripAnsi(segment);
        }

        var trimmed = segment.TrimStart(" \t");
        if (trimmed.StartsWith(ProtocolPrefix, StringComparison.Ordinal))
        {
            var rest = trimmed[ProtocolPrefix.Length..];
            if (rest.IsEmpty || IsBlank(rest[0]))
            {
                return ParseProtocol(rest);
            }
        }

        return ParseTqdm(segment.Trim());
    }

    // ::plexus key=value key="quoted \" value" ... — see docs/progress.md.
    private static ProgressUpdate? ParseProtocol(ReadOnlySpan<char> rest)
    {
        string? stage = null;
        string? message = null;
        long? processed = null;
        long? total = null;
        var seenMessage = false;

        while (true)
        {
            rest = rest.TrimStart(" \t");
            if (rest.IsEmpty)
            {
                break;
            }

            var equals = rest.IndexOf('=');
            if (equals <= 0 || !IsKey(rest[..equals]))
            {
                return null;
            }

            var key = rest[..equals];
            rest = rest[(equals + 1)..];
            ReadOnlySpan<char> value;
            string? unescaped = null;
            if (!rest.IsEmpty && rest[0] == '"')
            {
                if (!TryReadQuoted(ref rest, out unescaped) || (!rest.IsEmpty && !IsBlank(rest[0])))
                {
                    return null;
                }

                value = unescaped;
            }
            else
            {
                var stop = rest.IndexOfAny(' ', '\t');
                value = stop < 0 ? rest : rest[..stop];
                rest = rest[value.Length..];
            }

            // A known key given twice is ambiguous, so the line is malformed; unknown keys are left for later versions.
            switch (key)
            {
                case "stage":
                    if (stage is not null || value.IsWhiteSpace())
                    {
                        return null;
                    }

                    stage = value.Trim().ToString();
                    break;
                case "processed":
                    if (processed is not null || !TryParseCount(value, out var p))
                    {
                        return null;
                    }

                    processed = p;
                    break;
                case "total":
                    if (total is not null || !TryParseCount(value, out var t))
                    {
                        return null;
                    }

                    total = t;
                    break;
                case "message":
                    if (seenMessage)
                    {
                        return null;
                    }

                    seenMessage = true;
                    message = value.IsEmpty ? null : unescaped ?? value.ToString();
                    break;
            }
        }

        return stage is null ? null : new ProgressUpdate(stage, processed, total, message);
    }

    private static bool IsKey(ReadOnlySpan<char> key)
    {
        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    // Reads "..." from the start of text, where \" and \\ are the only escapes (any other backslash is kept).
    private static bool TryReadQuoted(ref ReadOnlySpan<char> text, out string value)
    {
        StringBuilder? builder = null;
        var start = 1;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
            {
                builder ??= new StringBuilder(text.Length);
                builder.Append(text[start..i]);
                start = i + 1;
                i++;
            }
            else if (c == '"')
            {
                value = builder is null ? text[1..i].ToString() : builder.Append(text[start..i]).ToString();
                text = text[(i + 1)..];
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    private static bool TryParseCount(ReadOnlySpan<char> text, out long count) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count);

    private static ProgressUpdate? ParseTqdm(ReadOnlySpan<char> segment)
    {
        var percent = segment.IndexOf("%|", StringComparison.Ordinal);
        return (percent > 0 ? ParseKnownTotal(segment, percent) : null) ?? ParseUnknownTotal(segment);
    }

    // tqdm's default format with a total: "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}{postfix}]".
    private static ProgressUpdate? ParseKnownTotal(ReadOnlySpan<char> segment, int percent)
    {
        var digitsStart = percent;
        while (digitsStart > 0 && (char.IsAsciiDigit(segment[digitsStart - 1]) || segment[digitsStart - 1] == '.'))
        {
            digitsStart--;
        }

        if (!segment[digitsStart..percent].ContainsAnyInRange('0', '9') || StageFrom(segment[..digitsStart]) is not { } stage)
        {
            return null;
        }

        var afterBar = segment[(percent + 2)..];
        var barEnd = afterBar.IndexOf('|');
        if (barEnd < 0)
        {
            return null;
        }

        var rest = afterBar[(barEnd + 1)..].TrimStart(' ');
        var countsEnd = rest.IndexOf(' ');
        var counts = countsEnd < 0 ? rest : rest[..countsEnd];
        var slash = counts.IndexOf('/');
        if (slash < 0
            || !TryParseScaled(counts[..slash], out var processed)
            || !TryParseScaled(counts[(slash + 1)..], out var total))
        {
            return null;
        }

        var tail = rest[counts.Length..].TrimStart(' ');
        if (tail.IsEmpty)
        {
            return new ProgressUpdate(stage, processed, total, null);
        }

        if (tail.Length < 2 || tail[0] != '[' || tail[^1] != ']')
        {
            return null;
        }

        // Inside the brackets: "{elapsed}<{remaining}, {rate}" and, when the command set one, ", {postfix}".
        var inside = tail[1..^1];
        var rate = inside.IndexOf(", ", StringComparison.Ordinal);
        var postfix = rate < 0 ? -1 : inside[(rate + 2)..].IndexOf(", ", StringComparison.Ordinal);
        var message = postfix < 0 ? null : inside[(rate + 2 + postfix + 2)..].Trim().ToString();
        return new ProgressUpdate(stage, processed, total, string.IsNullOrEmpty(message) ? null : message);
    }

    // tqdm's default format without a total: "{desc}: {n_fmt}{unit} [{elapsed}, {rate_fmt}{postfix}]".
    private static ProgressUpdate? ParseUnknownTotal(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty || segment[^1] != ']')
        {
            return null;
        }

        // The description may hold brackets of its own ("Epoch [1/3]: 45it [00:01, …]"): the bracket that opens
        // with an elapsed time is tqdm's.
        for (var open = segment.IndexOf(" [", StringComparison.Ordinal); open >= 0;)
        {
            var inside = segment[(open + 2)..^1];
            if (StartsWithElapsed(inside))
            {
                var before = segment[..open];
                var tokenStart = before.LastIndexOfAny(' ', '\t') + 1;
                if (!TryParseCountWithUnit(before[tokenStart..], out var processed) || StageFrom(before[..tokenStart]) is not { } stage)
                {
                    return null;
                }

                var comma = inside.IndexOf(", ", StringComparison.Ordinal);
                var postfix = comma < 0 ? -1 : inside[(comma + 2)..].IndexOf(", ", StringComparison.Ordinal);
                var message = postfix < 0 ? null : inside[(comma + 2 + postfix + 2)..].Trim().ToString();
                return new ProgressUpdate(stage, processed, null, string.IsNullOrEmpty(message) ? null : message);
            }

            var next = segment[(open + 2)..].IndexOf(" [", StringComparison.Ordinal);
            open = next < 0 ? -1 : open + 2 + next;
        }

        return null;
    }

    // "MM:SS, " or "H:MM:SS, " (tqdm's format_interval) at the start.
    private static bool StartsWithElapsed(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        for (var groups = 0; groups < 2; groups++)
        {
            if (i + 3 > text.Length || text[i] != ':' || !char.IsAsciiDigit(text[i + 1]) || !char.IsAsciiDigit(text[i + 2]))
            {
                return false;
            }

            i += 3;
            if (text[i..].StartsWith(", ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // The description before the numbers: nothing, or text ending in ':' (tqdm writes "{desc}: ").
    private static string? StageFrom(ReadOnlySpan<char> prefix)
    {
        prefix = prefix.Trim();
        if (prefix.IsEmpty)
        {
            return DefaultStage;
        }

        if (prefix[^1] != ':')
        {
            return null;
        }

        prefix = prefix[..^1].Trim();
        return prefix.IsEmpty ? DefaultStage : prefix.ToString();
    }

    // "45", "45.0", "1.50k" (unit_scale): a count with an optional SI prefix and nothing after it.
    private static bool TryParseScaled(ReadOnlySpan<char> text, out long count)
    {
        var numberLength = NumberLength(text);
        var scale = 0;
        if (numberLength == text.Length - 1 && SiPrefixes.IndexOf(text[^1]) is var prefix and >= 0)
        {
            scale = prefix + 1;
        }
        else if (numberLength != text.Length)
        {
            count = 0;
            return false;
        }

        return TryScale(text[..numberLength], scale, out count);
    }

    // "45it", "45.0it", "1.50kit", "3.20MB": a count, an optional SI prefix, then the unit (letters, maybe none).
    private static bool TryParseCountWithUnit(ReadOnlySpan<char> text, out long count)
    {
        var numberLength = NumberLength(text);
        var number = text[..numberLength];
        var unit = text[numberLength..];
        var scale = 0;

        // format_sizeof always prints three significant digits ("1.50k", "15.0k", "150k"); a plain count without
        // unit_scale has no decimal point, so "45MB" is 45 of unit "MB" while "45.0MB" is 45 mega of unit "B".
        var looksScaled = number.Contains('.') || number.Length == 3;
        if (looksScaled && !unit.IsEmpty && SiPrefixes.IndexOf(unit[0]) is var prefix and >= 0)
        {
            scale = prefix + 1;
            unit = unit[1..];
        }

        foreach (var c in unit)
        {
            if (!char.IsLetter(c))
            {
                count = 0;
                return false;
            }
        }

        return TryScale(number, scale, out count);
    }

    private static int NumberLength(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        return i;
    }

    private static bool TryScale(ReadOnlySpan<char> number, int scale, out long count)
    {
        count = 0;
        if (number.IsEmpty
            || !char.IsAsciiDigit(number[0])
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        try
        {
            for (var i = 0; i < scale; i++)
            {
                value *= 1000;
            }

            value = decimal.Round(value, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            return false;
        }

        if (value > long.MaxValue)
        {
            return false;
        }

        count = (long)value;
        return true;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    // Drops CSI sequences (ESC [ parameters final-byte) and other two-character escapes.
    private static string StripAnsi(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\u001b')
            {
                builder.Append(text[i]);
                continue;
            }

            i++;
            if (i < text.Length && text[i] == '[')
            {
                while (i + 1 < text.Length && text[i + 1] is < '\u0040' or > '\u007e')
                {
                    i++;
                }

                i++;
            }
        }

        return builder.ToString();
    }
}
