using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Plexus.Bench;

/// <summary>What one peer system measured in its own run: its figures and those of the direct spawn of that run.</summary>
public sealed class PeerResult
{
    public string Name { get; set; } = "";

    public double ActionsPerSecond { get; set; }

    public double DirectPerSecond { get; set; }

    public double RatioToDirect => DirectPerSecond > 0 ? ActionsPerSecond / DirectPerSecond : 0;

    public double P50Ms { get; set; }

    public double DirectP50Ms { get; set; }

    public double RatioP50 => DirectP50Ms > 0 ? P50Ms / DirectP50Ms : 0;

    public double? IdleCpuPercent { get; set; }
}

/// <summary>
/// Runs the peers' baseline scripts (<c>&lt;dir&gt;/hangfire/run.sh</c>, <c>&lt;dir&gt;/celery/run.sh</c>) after the
/// scenarios, in the same window, each on a copy of its folder (the scripts write beside themselves), and reads the
/// <c>results.json</c> each writes. A missing script is said, not fatal.
/// </summary>
public sealed class PeerBaselines(string root, TextWriter log)
{
    // Which rows each script's summary holds: its folder, the key prefix of its series, and the row's name.
    private static readonly (string Folder, string Key, string Name)[] Rows =
    [
        ("hangfire", "hangfire_inmemory", "Hangfire 1.8, InMemory storage (not durable)"),
        ("celery", "celery", "Celery 5.2 + Redis (not durable)"),
        ("hangfire", "hangfire_sqlite", "Hangfire 1.8, SQLite storage (durable)"),
    ];

    /// <summary>Runs every peer found under the root; returns their rows, adding what went wrong to <paramref name="errors"/>.</summary>
    public async Task<List<PeerResult>> RunAsync(List<string> errors)
    {
        var results = new List<PeerResult>();
        foreach (var folder in Rows.Select(r => r.Folder).Distinct())
        {
            var script = Path.Combine(root, folder, "run.sh");
            if (!File.Exists(script))
            {
                log.WriteLine($"  peer {folder}: no {script}; not measured");
                continue;
            }

            log.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] peer {folder} ({script}) …");
            try
            {
                var summary = await RunScriptAsync(Path.Combine(root, folder)).ConfigureAwait(false);
                results.AddRange(Rows.Where(r => r.Folder == folder).Select(r => Row(r.Name, r.Key, summary)));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or JsonException or KeyNotFoundException)
            {
                errors.Add($"peer {folder}: {ex.Message}");
            }
        }

        return results;
    }

    private async Task<JsonElement> RunScriptAsync(string folder)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"plexus-peer-{Path.GetFileName(folder)}-{Guid.NewGuid():N}");
        CopyFolder(folder, copy);
        try
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(copy, "run.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };

            // One repetition: the scenarios before it ran once too, and the window stays short.
            start.Environment["BENCH_REPS"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(copy, "run.log"), await output.ConfigureAwait(false) + await errors.ConfigureAwait(false)).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"run.sh exited with {process.ExitCode}: {LastLines(await errors.ConfigureAwait(false))}");
            }

            log.Write(await output.ConfigureAwait(false));
            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(copy, "results.json")).ConfigureAwait(false));
            return results.RootElement.GetProperty("summary").Clone();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static PeerResult Row(string name, string key, JsonElement summary)
    {
        double Value(string series) => summary.GetProperty(series).GetProperty("value").GetDouble();
        return new PeerResult
        {
            Name = name,
            ActionsPerSecond = Value($"{key}_throughput_true"),
            DirectPerSecond = Value("direct_threadpool4_true"),
            P50Ms = Value($"{key}_latency_true_p50"),
            DirectP50Ms = Value("direct_spawn_latency_true_p50"),
            IdleCpuPercent = summary.TryGetProperty($"{key}_idle_cpu", out var idle) ? idle.GetProperty("value").GetDouble() : null,
        };
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string LastLines(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3)).ToString(CultureInfo.InvariantCulture);
}
