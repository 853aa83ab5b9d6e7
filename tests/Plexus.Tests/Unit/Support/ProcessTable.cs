using System.Globalization;
using System.Text;

namespace Plexus.Tests.Unit.Support;

/// <summary>A running process as /proc shows it.</summary>
internal sealed record ProcessEntry(int Pid, string Name, int Group, int Session);

/// <summary>
/// Finds the processes a test started by a marker variable in their environment (every process of a command's
/// tree inherits it), so a test can wait for them to appear and check that none outlives the run.
/// </summary>
internal static class ProcessTable
{
    /// <summary>The environment variable that carries a test's marker.</summary>
    public const string MarkerVariable = "PLEXUS_TEST_MARKER";

    /// <summary>Returns the running (not zombie) processes whose environment holds <paramref name="marker"/>.</summary>
    public static List<ProcessEntry> Marked(string marker)
    {
        // A whole variable: a silo whose settings name the marker (…__Environment__PLEXUS_TEST_MARKER=…) is not marked.
        var needle = Encoding.UTF8.GetBytes($"\0{MarkerVariable}={marker}\0");
        var found = new List<ProcessEntry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                byte[] environment = [0, .. File.ReadAllBytes($"{dir}/environ")];
                if (environment.AsSpan().IndexOf(needle) >= 0
                    && Read(File.ReadAllText($"{dir}/stat"), pid) is { } entry)
                {
                    found.Add(entry);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while being read, or not ours.
            }
        }

        return found;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the marked processes; fails after <paramref name="timeout"/>.</summary>
    public static Task<List<ProcessEntry>> WaitForMarkedAsync(
        string marker, Func<List<ProcessEntry>, bool> condition, string awaited, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(Marked(marker)), condition, timeout, awaited,
            marked => "marked processes [" + string.Join(", ", marked.Select(p => $"{p.Pid} {p.Name}")) + "]");

    /// <summary>Parses a /proc/&lt;pid&gt;/stat line; null for a zombie.</summary>
    public static ProcessEntry? Read(string stat, int pid)
    {
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        if (fields[0] is "Z" or "X")
        {
            return null;
        }

        return new ProcessEntry(
            pid,
            stat[(open + 1)..close],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
