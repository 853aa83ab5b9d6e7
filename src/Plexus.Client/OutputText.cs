namespace Plexus.Client;

/// <summary>Cuts stored output the way <c>tail -n</c> does.</summary>
public static class OutputText
{
    /// <summary>Returns the last <paramref name="lines"/> lines of <paramref name="text"/>; a final line end starts no new line.</summary>
    public static string Tail(string text, int lines)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        if (lines == 0)
        {
            return "";
        }

        var end = text.EndsWith('\n') ? text.Length - 1 : text.Length;
        var start = end;
        for (var seen = 0; start > 0; start--)
        {
            if (text[start - 1] == '\n' && ++seen == lines)
            {
                break;
            }
        }

        return text[start..];
    }
}
