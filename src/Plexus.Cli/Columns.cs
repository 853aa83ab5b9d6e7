using System.Text;

namespace Plexus.Cli;

/// <summary>Lays rows of cells out as aligned columns, the way the listing commands print their tables.</summary>
internal static class Columns
{
    /// <summary>Appends <paramref name="rows"/> (the header first) to <paramref name="text"/>, each column as wide as its widest cell.</summary>
    public static void Append(StringBuilder text, IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }
    }
}
