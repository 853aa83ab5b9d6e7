using System.Globalization;
using System.Text;
using Plexus.Actions;
using Plexus.Queries;

namespace Plexus.Cli;

/// <summary>The table <c>list</c> prints: one action a line, then the counts and how to see more.</summary>
public static class ActionTable
{
    private const int CommandWidth = 40;

    /// <summary>Returns <paramref name="page"/> as a table, ages and durations as of <paramref name="now"/>.</summary>
    public static string Format(ActionPage page, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(page);
        string[] header = ["ID", "STATUS", "COMMAND", "SUBMITTER", "AGE", "DURATION", "PROGRESS"];
        var rows = page.Items.Select(item => new[]
        {
            item.Id.ToString(),
            item.Status.ToString(),
            item.Command.Length > CommandWidth ? item.Command[..(CommandWidth - 1)] + "…" : item.Command,
            item.Submitter,
            Span(now - item.QueuedAt),
            item.StartedAt is { } started ? Span((item.FinishedAt ?? now) - started) : "-",
            item.Percent is { } percent ? string.Create(CultureInfo.InvariantCulture, $"{percent:0}%") : "-",
        }).Prepend(header).ToList();
        var text = new StringBuilder();
        Columns.Append(text, rows);

        var counts = string.Join(", ", page.Counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"));
        text.AppendLine(page.Items.Count == 0 ? "No actions match." : $"Matching: {(counts.Length > 0 ? counts : "none")}.");
        if (page.Next is { } next)
        {
            text.AppendLine($"More: repeat with --cursor {next}");
        }

        return text.ToString();
    }

    // Short human spans: 45s, 12m, 3h05m, 2d04h.
    private static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalMinutes < 1 ? $"{span.TotalSeconds:0}s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : $"{(int)span.TotalDays}d{span.Hours:00}h";
    }
}
