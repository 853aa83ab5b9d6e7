using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Bench;

/// <summary>Everything one run measured; written as JSON and as a markdown table.</summary>
public sealed class BenchReport
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string StartedAt { get; set; } = "";

    public string FinishedAt { get; set; } = "";

    public bool Quick { get; set; }

    public string Profile { get; set; } = "";

    public int Cores { get; set; } = Environment.ProcessorCount;

    public string Os { get; set; } = System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    public string Runtime { get; set; } = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    public string LoadAverageBefore { get; set; } = "";

    public string LoadAverageAfter { get; set; } = "";

    public IReadOnlyList<string> SiloArguments { get; set; } = [];

    public SpawnResult? Spawn { get; set; }

    public ThroughputResult? Throughput { get; set; }

    public LatencyResult? Latency { get; set; }

    public MemoryResult? Memory { get; set; }

    public List<ScalePoint>? Scaling { get; set; }

    public List<PeerResult>? Peers { get; set; }

    public List<string> Errors { get; set; } = [];

    /// <summary>Renders the report as markdown tables.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Inv($"# Plexus benchmark, {StartedAt}{(Quick ? " (quick smoke run: numbers not meaningful)" : "")}"));
        md.AppendLine();
        md.AppendLine(Inv($"Profile {Profile}; {Cores} cores; {Os}; {Runtime}. Load average before: {LoadAverageBefore}; after: {LoadAverageAfter}."));
        if (SiloArguments.Count > 0)
        {
            md.AppendLine(Inv($"Extra silo arguments: `{string.Join(' ', SiloArguments)}`."));
        }

        md.AppendLine();
        if (Throughput is { } t)
        {
            md.AppendLine(Inv($"## Throughput: {t.Count} × `true`, concurrency {t.Concurrency}"));
            md.AppendLine();
            md.AppendLine("| path | actions/s | seconds | vs direct `true` (.NET Process) |");
            md.AppendLine("|---|---:|---:|---:|");
            md.AppendLine(Inv($"| plexus-silo ({t.Profile}), first dispatch to last result | {t.ActionsPerSecond:F0} | {t.Seconds:F2} | **{t.RatioToDirect * 100:F0}%** |"));
            if (Spawn is { } s)
            {
                md.AppendLine(Inv($"| direct .NET Process, {s.Parallel} parallel (mean of before/after) | {s.ProcessPerSecond:F0} | {t.Count / s.ProcessPerSecond:F2} | 100% |"));
                md.AppendLine(Inv($"| direct `xargs -P{s.Parallel}` | {s.XargsPerSecond:F0} | {t.Count / s.XargsPerSecond:F2} | {s.XargsPerSecond / s.ProcessPerSecond * 100:F0}% |"));
            }

            md.AppendLine();
            md.AppendLine(Inv($"Succeeded {t.Succeeded}/{t.Count}. Inside the silo (medians): queued → started {t.QueueWaitP50Ms:F1} ms, started → finished {t.RunP50Ms:F1} ms. Silo CPU {t.SiloCpuMsPerAction:F2} ms per action (its own process, not the commands); idle silo {t.IdleSiloCpuPercent:F1}% of a core. Target: ahead of every peer below (Hangfire in memory reached 0.85 of its direct spawn here), idle under 1% of a core."));
            md.AppendLine();
        }
        else if (Spawn is { } s)
        {
            md.AppendLine("## Direct spawn");
            md.AppendLine();
            md.AppendLine(Inv($"{s.Count} × `true`, {s.Parallel} parallel: .NET Process {s.ProcessPerSecond:F0}/s, xargs {s.XargsPerSecond:F0}/s."));
            md.AppendLine();
        }

        if (Latency is { } l)
        {
            md.AppendLine(Inv($"## Latency: {l.Rounds} sequential dispatch-and-wait round trips of `true`"));
            md.AppendLine();
            md.AppendLine("| path | p50 ms | p95 ms | p99 ms |");
            md.AppendLine("|---|---:|---:|---:|");
            md.AppendLine(Inv($"| DispatchAsync + WaitForFinalAsync (long poll) | {l.P50Ms:F2} | {l.P95Ms:F2} | {l.P99Ms:F2} |"));
            md.AppendLine(Inv($"| DispatchAsync + WatchAsync (observer; `plexus-client dispatch`), {l.WatchRounds} rounds | {l.WatchP50Ms:F2} | {l.WatchP95Ms:F2} | |"));
            md.AppendLine(Inv($"| direct spawn of `true` | {l.DirectP50Ms:F2} | {l.DirectP95Ms:F2} | |"));
            md.AppendLine();
            md.AppendLine(Inv($"p50 ratio to direct spawn: **{l.RatioP50:F2}×** (target: at or below the best peer's, 1.5× for Hangfire in memory here). Medians of the parts: dispatch call {l.DispatchP50Ms:F2} ms, queued → started {l.QueuedToStartedP50Ms:F2} ms, started → finished {l.StartedToFinishedP50Ms:F2} ms, finished → client has it {l.FinishedToClientP50Ms:F2} ms."));
            md.AppendLine();
        }

        if (Memory is { } m)
        {
            md.AppendLine(Inv($"## Memory: silo RSS"));
            md.AppendLine();
            md.AppendLine("| moment | RSS MB | store rows |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine(Inv($"| idle, after start and a warm-up | {Mb(m.IdleRss):F0} | {m.IdleStore?.Rows} |"));
            md.AppendLine(Inv($"| {m.Queued} actions queued behind {m.Blockers} busy workers | **{Mb(m.QueuedRss):F0}** | {m.QueuedStore?.Rows} |"));
            md.AppendLine(Inv($"| the same {m.Queued} finished | {Mb(m.FinishedRss):F0} | {m.FinishedStore?.Rows} |"));
            md.AppendLine();
            md.AppendLine(Inv($"Peak RSS {Mb(m.PeakRss):F0} MB. Target ≤ 200 MB with {m.Queued} queued."));
            md.AppendLine();
        }

        if (Scaling is { Count: > 0 } points)
        {
            md.AppendLine("## Scaling: cost per action as the store grows");
            md.AppendLine();
            md.AppendLine("Each size is reached with actions that expire in the queue (every part of the path but the process), then a probe of `true` actions is timed.");
            md.AppendLine();
            md.AppendLine("| rows in store | probe | ms/action | actions/s | fill actions/s | db + wal MB | file bytes/row | state bytes/row | list 50 ms | list 50 filtered ms |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in points)
            {
                md.AppendLine(Inv($"| {p.StoreRows} | {p.Probe} | {p.MsPerAction:F2} | {p.ActionsPerSecond:F0} | {p.FillActionsPerSecond:F0} | {Mb(p.DatabaseBytes + p.WalBytes):F1} | {p.FileBytesPerRow:F0} | {p.PayloadBytesPerRow:F0} | {p.ListMs:F1} | {p.ListFilteredMs:F1} |"));
            }

            md.AppendLine();
            md.AppendLine(Inv($"Listing the first 50 (with counts per status) at {points[^1].StoreRows} rows takes {points[^1].ListMs / Math.Max(0.001, points[0].ListMs):F2}× as long as at {points[0].StoreRows} rows; filtered by status and command, {points[^1].ListFilteredMs / Math.Max(0.001, points[0].ListFilteredMs):F2}×."));
            md.AppendLine();
        }

        if (Peers is { Count: > 0 } peers)
        {
            AppendPeers(md, peers);
        }

        foreach (var error in Errors)
        {
            md.AppendLine(Inv($"- error: {error}"));
        }

        return md.ToString();
    }

    // Each ratio is to the direct spawn of the same tool's own run, so machines and moments compare.
    private void AppendPeers(StringBuilder md, List<PeerResult> peers)
    {
        md.AppendLine("## Next to the peers (their baselines run right after ours)");
        md.AppendLine();
        md.AppendLine("| 2,000 × `true`, concurrency 4 | throughput | vs direct spawn | round trip p50 | vs direct p50 | idle CPU |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var p in peers)
        {
            md.AppendLine(Inv($"| {p.Name} | {p.ActionsPerSecond:F0}/s | {p.RatioToDirect:F2} | {p.P50Ms:F2} ms | {p.RatioP50:F1}× | {(p.IdleCpuPercent is { } idle ? $"{idle:F1}%" : "")} |"));
        }

        if (Throughput is { } t && Latency is { } l)
        {
            md.AppendLine(Inv($"| plexus-silo, {t.Profile} (durable) | {t.ActionsPerSecond:F0}/s | **{t.RatioToDirect:F2}** | {l.P50Ms:F2} ms | **{l.RatioP50:F1}×** | {t.IdleSiloCpuPercent:F1}% |"));
        }

        md.AppendLine();
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

public sealed class SpawnResult
{
    public int Count { get; set; }

    public int Parallel { get; set; }

    /// <summary>Direct .NET Process spawns per second: the mean of a run before and one after the cluster run.</summary>
    public double ProcessPerSecond { get; set; }

    public double ProcessBeforePerSecond { get; set; }

    public double ProcessAfterPerSecond { get; set; }

    public double XargsPerSecond { get; set; }
}

public sealed class ThroughputResult
{
    public string Profile { get; set; } = "";

    public int Count { get; set; }

    public int Concurrency { get; set; }

    public int InFlight { get; set; }

    public double Seconds { get; set; }

    public double ActionsPerSecond { get; set; }

    public int Succeeded { get; set; }

    public double RatioToDirect { get; set; }

    public double RatioToXargs { get; set; }

    public double QueueWaitP50Ms { get; set; }

    public double RunP50Ms { get; set; }

    /// <summary>CPU time of the silo process (user + system, children not included) per action of the timed run.</summary>
    public double SiloCpuMsPerAction { get; set; }

    /// <summary>CPU the silo used while idle, in percent of one core.</summary>
    public double IdleSiloCpuPercent { get; set; }
}

public sealed class LatencyResult
{
    public int Rounds { get; set; }

    public double P50Ms { get; set; }

    public double P95Ms { get; set; }

    public double P99Ms { get; set; }

    public double DirectP50Ms { get; set; }

    public double DirectP95Ms { get; set; }

    public double RatioP50 { get; set; }

    public double DispatchP50Ms { get; set; }

    public double QueuedToStartedP50Ms { get; set; }

    public double StartedToFinishedP50Ms { get; set; }

    public double FinishedToClientP50Ms { get; set; }

    public int WatchRounds { get; set; }

    public double WatchP50Ms { get; set; }

    public double WatchP95Ms { get; set; }
}

public sealed class MemoryResult
{
    public int Queued { get; set; }

    public int Blockers { get; set; }

    public long IdleRss { get; set; }

    public long QueuedRss { get; set; }

    public long FinishedRss { get; set; }

    public long PeakRss { get; set; }

    public StoreStats? IdleStore { get; set; }

    public StoreStats? QueuedStore { get; set; }

    public StoreStats? FinishedStore { get; set; }

    public double DispatchSeconds { get; set; }

    public double DrainSeconds { get; set; }
}

public sealed class ScalePoint
{
    public long StoreRows { get; set; }

    public int Probe { get; set; }

    public double MsPerAction { get; set; }

    public double ActionsPerSecond { get; set; }

    public double FillActionsPerSecond { get; set; }

    public long DatabaseBytes { get; set; }

    public long WalBytes { get; set; }

    public double FileBytesPerRow { get; set; }

    public double PayloadBytesPerRow { get; set; }

    public double ListMs { get; set; }

    public double ListFilteredMs { get; set; }
}
