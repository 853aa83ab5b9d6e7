using System.Text;

namespace Plexus.Cli;

/// <summary>
/// Leaves <c>::plexus</c> protocol lines (docs/progress.md) out of one output stream shown to a person: they are
/// instructions to the cluster, whose effect the status line already shows. Output arrives in arbitrary chunks, so
/// the start of a line is held back only while it could still be a protocol line; every other line passes as it
/// comes, a tqdm bar's partial line included.
/// </summary>
public sealed class ProtocolLineFilter
{
    private const string Prefix = "::plexus";

    // The start of the current line while it may still be a protocol line.
    private readonly StringBuilder _held = new();
    private LineState _state = LineState.Undecided;

    // The "\n" of a "\r\n" that ended a dropped line goes with it.
    private bool _skipLineFeed;

    private enum LineState
    {
        Undecided,
        Shown,
        Dropped,
    }

    /// <summary>Returns what of <paramref name="text"/> a person sees now.</summary>
    public string Filter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (c == '\n')
                {
                    continue;
                }
            }

            var lineEnd = c is '\n' or '\r';
            if (_state == LineState.Undecided)
            {
                _held.Append(c);
                _state = Classify(_held, lineEnd);
                if (_state == LineState.Shown)
                {
                    shown.Append(_held);
                }

                if (_state != LineState.Undecided)
                {
                    _held.Clear();
                }
            }
            else if (_state == LineState.Shown)
            {
                shown.Append(c);
            }

            if (lineEnd)
            {
                _skipLineFeed = c == '\r' && _state == LineState.Dropped;
                _state = LineState.Undecided;
            }
        }

        return shown.ToString();
    }

    /// <summary>Returns the held-back start of a last line that has no line end, unless it is a protocol line.</summary>
    public string Flush()
    {
        var rest = _held.ToString();
        var shown = rest.Length > 0 && Classify(_held.Append('\n'), ended: true) == LineState.Shown ? rest : "";
        _held.Clear();
        _state = LineState.Undecided;
        return shown;
    }

    /// <summary>Returns <paramref name="text"/> without its protocol lines, for output that is already whole.</summary>
    public static string Strip(string text)
    {
        var filter = new ProtocolLineFilter();
        return filter.Filter(text) + filter.Flush();
    }

    // A protocol line starts, after blanks, with the prefix followed by a blank or the line end. Shown as soon as
    // the line cannot be one, dropped as soon as it surely is one, undecided while it may be either.
    private static LineState Classify(StringBuilder line, bool ended)
    {
        var start = 0;
        while (start < line.Length && line[start] is ' ' or '\t')
        {
            start++;
        }

        var length = line.Length - start - (ended ? 1 : 0);
        for (var i = 0; i < Math.Min(length, Prefix.Length); i++)
        {
            if (line[start + i] != Prefix[i])
            {
                return LineState.Shown;
            }
        }

        if (length < Prefix.Length)
        {
            return ended ? LineState.Shown : LineState.Undecided;
        }

        if (length == Prefix.Length)
        {
            return ended ? LineState.Dropped : LineState.Undecided;
        }

        return line[start + Prefix.Length] is ' ' or '\t' ? LineState.Dropped : LineState.Shown;
    }
}
