using System.Globalization;
using System.Text;
using Plexus.Queues;

namespace Plexus.Cli;

/// <summary>The table <c>workers</c> prints: one silo a line.</summary>
public static class WorkersTable
{
    /// <summary>Returns <paramref name="workers"/> as a table, times in UTC and ages from <paramref name="now"/>.</summary>
    public static string Format(IReadOnlyList<WorkerStatus> workers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workers);
        if (workers.Count == 0)
        {
            return "No silo serves any queue: none has reported to the cluster's worker registry." + Environment.NewLine;
        }

        string[] header = ["HOST", "SILO", "STATE", "QUEUES (running/concurrency)", "RUNNING", "STARTED (UTC)", "LAST HEARTBEAT"];
        var rows = workers.Select(w => new[]
        {
            w.Host,
            w.Silo,
            w.Draining ? "draining" : "serving",
            string.Join(", ", w.Queues.Select(q => $"{q.Queue} {q.Running}/{q.Concurrency}")),
            w.Running.ToString(CultureInfo.InvariantCulture),
            w.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            $"{Math.Max(0, (now - w.LastHeartbeat).TotalSeconds):0.#} s ago",
        }).Prepend(header).ToList();
        var text = new StringBuilder();
        Columns.Append(text, rows);
        return text.ToString();
    }
}
