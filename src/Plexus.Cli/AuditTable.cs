using System.Globalization;
using System.Text;
using Plexus.Audit;

namespace Plexus.Cli;

/// <summary>The table <c>audit</c> prints: one entry a line, newest first, then how to see more.</summary>
public static class AuditTable
{
    private const int DetailWidth = 60;

    /// <summary>Returns <paramref name="page"/> as a table, times in UTC.</summary>
    public static string Format(AuditPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Items.Count == 0)
        {
            return "No audit entries match." + Environment.NewLine;
        }

        string[] header = ["TIME (UTC)", "ACTOR", "ORIGIN", "OPERATION", "ACTION", "OUTCOME", "DETAIL"];
        var rows = page.Items.Select(entry => new[]
        {
            entry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            entry.Actor,
            entry.Origin ?? "-",
            entry.Operation.ToString(),
            entry.ActionId.ToString(),
            entry.Outcome.ToString(),
            entry.Detail.Length > DetailWidth ? entry.Detail[..(DetailWidth - 1)] + "…" : entry.Detail,
        }).Prepend(header).ToList();
        var text = new StringBuilder();
        Columns.Append(text, rows);
        if (page.Next is { } next)
        {
            text.AppendLine($"More: repeat with --cursor {next}");
        }

        return text.ToString();
    }
}
