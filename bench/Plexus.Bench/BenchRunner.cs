using System.Diagnostics;
using System.Globalization;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Queries;

namespace Plexus.Bench;

/// <summary>Runs the scenarios one after another, each against a silo of its own, and fills in the report.</summary>
public sealed class BenchRunner(BenchOptions options, TextWriter log)
{
    private const string Submitter = "plexus-bench";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly BenchReport _report = new();
    private Cluster? _shared;

    // Settle time before reading RSS: lets queued work reach the worker pool and a GC finish.
    private TimeSpan Settle => options.Quick ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromSeconds(2);

    // Warm-up actions before a timed part: JIT, grain type and connection set-up are not what is measured. A fresh
    // silo spends its first seconds recompiling hot code (tiered JIT): the idle pause after the warm-up lets it finish.
    // 500 like the Hangfire baseline's untimed pass (a quarter of its 2,000): with 200, a fifth of the silo's CPU time in
    // the timed window was still the JIT recompiling hot code, which a silo that has run for a while no longer does.
    private int WarmUp => options.Quick ? 5 : 500;

    private TimeSpan TieringPause => options.Quick ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);

    public async Task<BenchReport> RunAsync()
    {
        _report.StartedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        _report.LoadAverageBefore = LoadAverage();
        _report.Quick = options.Quick;
        _report.Profile = options.Profile;
        _report.SiloArguments = options.SiloArguments;
        var trueExecutable = DirectSpawn.Locate("true");

        await Step("throughput", () => ThroughputAsync(trueExecutable), also: "spawn").ConfigureAwait(false);
        await Step("latency", () => LatencyAsync(trueExecutable)).ConfigureAwait(false);
        await Step("memory", MemoryAsync).ConfigureAwait(false);
        await Step("scaling", ScalingAsync).ConfigureAwait(false);
        if (_shared is { } shared)
        {
            await shared.Connection.DisposeAsync().ConfigureAwait(false);
            await shared.Silo.DisposeAsync().ConfigureAwait(false);
        }

        // After ours, in the same window; a smoke run's figures would mean nothing next to theirs.
        if (options.PeersDirectory is { } peers && !options.Quick)
        {
            _report.Peers = await new PeerBaselines(peers, log).RunAsync(_report.Errors).ConfigureAwait(false);
        }

        _report.LoadAverageAfter = LoadAverage();
        _report.FinishedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return _report;
    }

    private async Task Step(string name, Func<Task> run, string? also = null)
    {
        if (!options.Scenarios.Contains(name) && (also is null || !options.Scenarios.Contains(also)))
        {
            return;
        }

        log.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {name} …");
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _report.Errors.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
            log.WriteLine($"  failed: {ex}");
        }
    }

    // Direct spawning before and after the cluster run, so a change in machine load between them shows.
    private async Task ThroughputAsync(string trueExecutable)
    {
        var count = options.Count;
        var parallel = options.Concurrency;
        var spawn = new SpawnResult { Count = count, Parallel = parallel };
        await DirectSpawn.ParallelAsync(trueExecutable, [], WarmUp, parallel).ConfigureAwait(false);
        spawn.ProcessBeforePerSecond = count / (await DirectSpawn.ParallelAsync(trueExecutable, [], count, parallel).ConfigureAwait(false)).TotalSeconds;
        spawn.XargsPerSecond = count / (await DirectSpawn.XargsAsync(trueExecutable, count, parallel).ConfigureAwait(false)).TotalSeconds;
        log.WriteLine(Inv($"  direct: Process {spawn.ProcessBeforePerSecond:F0}/s, xargs {spawn.XargsPerSecond:F0}/s"));

        if (options.Scenarios.Contains("throughput"))
        {
            await using var cluster = await OpenAsync().ConfigureAwait(false);
            var connection = cluster.Connection;
            await RunBatchAsync(connection.Actions, WarmUp, "true").ConfigureAwait(false);

            await Task.Delay(TieringPause).ConfigureAwait(false);

            var cpu = cluster.Silo.ReadCpu();
            var started = Stopwatch.GetTimestamp();
            var finals = await RunBatchAsync(connection.Actions, count, "true").ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            cpu = cluster.Silo.ReadCpu() - cpu;

            // What an idle silo costs (its timers and queue polling, with nothing to do), once the run has settled:
            // right after the warm-up it would count the tiered JIT's recompiling too.
            await Task.Delay(Settle).ConfigureAwait(false);
            var idleCpu = cluster.Silo.ReadCpu();
            var idleStarted = Stopwatch.GetTimestamp();
            await Task.Delay(TieringPause).ConfigureAwait(false);
            var idleShare = (cluster.Silo.ReadCpu() - idleCpu) / Stopwatch.GetElapsedTime(idleStarted);
            _report.Throughput = new ThroughputResult
            {
                Profile = options.Profile,
                Count = count,
                Concurrency = options.Concurrency,
                InFlight = options.InFlight,
                Seconds = elapsed.TotalSeconds,
                ActionsPerSecond = count / elapsed.TotalSeconds,
                Succeeded = finals.Count(f => f.Status == ActionStatus.Succeeded),
                QueueWaitP50Ms = Stats.Percentile(finals.Select(f => (f.StartedAt!.Value - f.QueuedAt).TotalMilliseconds), 50),
                RunP50Ms = Stats.Percentile(finals.Select(f => (f.FinishedAt!.Value - f.StartedAt!.Value).TotalMilliseconds), 50),
                SiloCpuMsPerAction = cpu.TotalMilliseconds / count,
                IdleSiloCpuPercent = idleShare * 100,
            };
            log.WriteLine(Inv($"  cluster: {_report.Throughput.ActionsPerSecond:F0}/s ({_report.Throughput.Succeeded}/{count} succeeded)"));
        }

        spawn.ProcessAfterPerSecond = count / (await DirectSpawn.ParallelAsync(trueExecutable, [], count, parallel).ConfigureAwait(false)).TotalSeconds;
        spawn.ProcessPerSecond = (spawn.ProcessBeforePerSecond + spawn.ProcessAfterPerSecond) / 2;
        _report.Spawn = spawn;
        if (_report.Throughput is { } throughput)
        {
            throughput.RatioToDirect = throughput.ActionsPerSecond / spawn.ProcessPerSecond;
            throughput.RatioToXargs = throughput.ActionsPerSecond / spawn.XargsPerSecond;
        }
    }

    private async Task LatencyAsync(string trueExecutable)
    {
        var rounds = options.LatencyRounds;
        await DirectSpawn.SequentialAsync(trueExecutable, [], WarmUp).ConfigureAwait(false);
        var direct = await DirectSpawn.SequentialAsync(trueExecutable, [], rounds).ConfigureAwait(false);

        await using var cluster = await OpenAsync().ConfigureAwait(false);
        var client = cluster.Connection.Actions;
        await RunBatchAsync(client, WarmUp, "true").ConfigureAwait(false);
        await Task.Delay(TieringPause).ConfigureAwait(false);
        for (var i = 0; i < Math.Min(WarmUp, 20); i++)
        {
            var warm = await client.DispatchAsync(new ActionRequest("true", Submitter)).ConfigureAwait(false);
            await client.WaitForFinalAsync(warm.Id).ConfigureAwait(false);
        }

        List<double> total = [], dispatch = [], queuedToStarted = [], startedToFinished = [], finishedToClient = [];
        for (var i = 0; i < rounds; i++)
        {
            var startedAt = DateTimeOffset.UtcNow;
            var started = Stopwatch.GetTimestamp();
            var queued = await client.DispatchAsync(new ActionRequest("true", Submitter)).ConfigureAwait(false);
            var dispatched = Stopwatch.GetElapsedTime(started);
            var final = await client.WaitForFinalAsync(queued.Id).ConfigureAwait(false) ?? throw new InvalidOperationException($"Action {queued.Id} vanished.");
            var elapsed = Stopwatch.GetElapsedTime(started);
            total.Add(elapsed.TotalMilliseconds);
            dispatch.Add(dispatched.TotalMilliseconds);
            queuedToStarted.Add((final.StartedAt!.Value - final.QueuedAt).TotalMilliseconds);
            startedToFinished.Add((final.FinishedAt!.Value - final.StartedAt!.Value).TotalMilliseconds);
            finishedToClient.Add((startedAt + elapsed - final.FinishedAt!.Value).TotalMilliseconds);
        }

        List<double> watched = [];
        for (var i = 0; i < options.WatchRounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var queued = await client.DispatchAsync(new ActionRequest("true", Submitter)).ConfigureAwait(false);
            await foreach (var item in client.WatchAsync(queued.Id).ConfigureAwait(false))
            {
                if (item.Action is { } action && action.Status.IsFinal())
                {
                    break;
                }
            }

            watched.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var directP50 = Stats.Percentile(direct, 50);
        _report.Latency = new LatencyResult
        {
            Rounds = rounds,
            P50Ms = Stats.Percentile(total, 50),
            P95Ms = Stats.Percentile(total, 95),
            P99Ms = Stats.Percentile(total, 99),
            DirectP50Ms = directP50,
            DirectP95Ms = Stats.Percentile(direct, 95),
            RatioP50 = Stats.Percentile(total, 50) / directP50,
            DispatchP50Ms = Stats.Percentile(dispatch, 50),
            QueuedToStartedP50Ms = Stats.Percentile(queuedToStarted, 50),
            StartedToFinishedP50Ms = Stats.Percentile(startedToFinished, 50),
            FinishedToClientP50Ms = Stats.Percentile(finishedToClient, 50),
            WatchRounds = options.WatchRounds,
            WatchP50Ms = Stats.Percentile(watched, 50),
            WatchP95Ms = Stats.Percentile(watched, 95),
        };
        log.WriteLine(Inv($"  p50 {_report.Latency.P50Ms:F2} ms vs direct {directP50:F2} ms; watch p50 {_report.Latency.WatchP50Ms:F1} ms"));
    }

    // Queued and not yet run: every worker is held by a long `sleep`, so the actions dispatched behind them wait in
    // the queue exactly as they would behind real work. Cancelling the sleeps lets them all run.
    private async Task MemoryAsync()
    {
        await using var cluster = await OpenAsync().ConfigureAwait(false);
        var (silo, client) = (cluster.Silo, cluster.Connection.Actions);
        await RunBatchAsync(client, WarmUp, "true").ConfigureAwait(false);
        var result = new MemoryResult { Queued = options.Queued, Blockers = options.Concurrency, IdleRss = await SettledRssAsync(silo).ConfigureAwait(false), IdleStore = await silo.ReadStoreAsync().ConfigureAwait(false) };

        var blockers = new List<Guid>();
        for (var i = 0; i < options.Concurrency; i++)
        {
            blockers.Add((await client.DispatchAsync(new ActionRequest("sleep 3600", Submitter)).ConfigureAwait(false)).Id);
        }

        foreach (var id in blockers)
        {
            await WaitForStatusAsync(client, id, ActionStatus.Running).ConfigureAwait(false);
        }

        var ids = new Guid[options.Queued];
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Queued),
            new ParallelOptions { MaxDegreeOfParallelism = options.InFlight },
            async (i, _) => ids[i] = (await client.DispatchAsync(new ActionRequest("true", Submitter)).ConfigureAwait(false)).Id).ConfigureAwait(false);
        result.DispatchSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        result.QueuedRss = await SettledRssAsync(silo).ConfigureAwait(false);
        result.QueuedStore = await silo.ReadStoreAsync().ConfigureAwait(false);
        var stillQueued = await client.GetAsync(ids[^1]).ConfigureAwait(false);
        if (stillQueued?.Status != ActionStatus.Queued)
        {
            throw new InvalidOperationException($"The last queued action is {stillQueued?.Status}, not Queued: the workers were not all busy.");
        }

        started = Stopwatch.GetTimestamp();
        foreach (var id in blockers)
        {
            await client.CancelAsync(id, Submitter).ConfigureAwait(false);
        }

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = options.InFlight }, async (id, ct) =>
            await client.WaitForFinalAsync(id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        result.DrainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        result.FinishedRss = await SettledRssAsync(silo).ConfigureAwait(false);
        result.PeakRss = silo.ReadMemory().PeakRss;
        result.FinishedStore = await silo.ReadStoreAsync().ConfigureAwait(false);
        _report.Memory = result;
        log.WriteLine(Inv($"  RSS idle {result.IdleRss / 1048576.0:F0} MB, {options.Queued} queued {result.QueuedRss / 1048576.0:F0} MB, finished {result.FinishedRss / 1048576.0:F0} MB"));
    }

    // RSS read once right after a burst depends on where the GC happens to be: the figure is taken once it stops moving
    // (within 2 MB over 5 s of half-second samples), or after a minute, whichever comes first.
    private async Task<long> SettledRssAsync(SiloHost silo)
    {
        var window = options.Quick ? 2 : 10;
        var samples = new List<long>();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * (options.Quick ? 2 : 60);
        do
        {
            await Task.Delay(options.Quick ? TimeSpan.FromMilliseconds(25) : TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
            samples.Add(silo.ReadMemory().Rss);
        }
        while (Stopwatch.GetTimestamp() < deadline
               && (samples.Count < window || samples[^window..].Max() - samples[^window..].Min() > 2 * 1024 * 1024));

        return samples[^1];
    }

    // One store grown through every size: at each, a timed probe of `true` actions and the store's size per row.
    private async Task ScalingAsync()
    {
        await using var cluster = await OpenAsync().ConfigureAwait(false);
        var (silo, client) = (cluster.Silo, cluster.Connection.Actions);
        var points = new List<ScalePoint>();
        _report.Scaling = points;
        var rows = (await silo.ReadStoreAsync().ConfigureAwait(false)).Rows;
        foreach (var size in options.ScalePoints)
        {
            var fill = (int)Math.Max(0, size - rows - options.Probe);
            var fillRate = 0.0;
            if (fill > 0)
            {
                // The store is filled with actions that expire in the queue: real rows through the whole dispatch path
                // (grain, store, stream, a worker's refused start), without spawning 100,000 processes first.
                var fillStarted = Stopwatch.GetTimestamp();
                await RunBatchAsync(client, fill, "true", expires: TimeSpan.FromTicks(1)).ConfigureAwait(false);
                fillRate = fill / Stopwatch.GetElapsedTime(fillStarted).TotalSeconds;
            }

            var started = Stopwatch.GetTimestamp();
            await RunBatchAsync(client, options.Probe, "true").ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var store = await silo.ReadStoreAsync().ConfigureAwait(false);
            rows = store.Rows;
            var listMs = await ListP50Async(client, new ActionQuery()).ConfigureAwait(false);
            var listFilteredMs = await ListP50Async(client, new ActionQuery { Statuses = [ActionStatus.Succeeded], CommandPrefix = "true" }).ConfigureAwait(false);
            var point = new ScalePoint
            {
                StoreRows = store.Rows,
                Probe = options.Probe,
                MsPerAction = elapsed.TotalMilliseconds / options.Probe,
                ActionsPerSecond = options.Probe / elapsed.TotalSeconds,
                FillActionsPerSecond = fillRate,
                DatabaseBytes = store.DatabaseBytes,
                WalBytes = store.WalBytes,
                FileBytesPerRow = (double)store.DatabaseBytes / Math.Max(1, store.Rows),
                PayloadBytesPerRow = (double)store.PayloadBytes / Math.Max(1, store.Rows),
                ListMs = listMs,
                ListFilteredMs = listFilteredMs,
            };
            points.Add(point);
            log.WriteLine(Inv($"  {store.Rows} rows: {point.MsPerAction:F2} ms/action, {point.FileBytesPerRow:F0} file bytes/row (fill {fillRate:F0}/s), list 50 in {listMs:F1} ms ({listFilteredMs:F1} ms filtered)"));
        }
    }

    // The median of a few first pages of 50, counts included, as a dashboard asks for them.
    private static async Task<double> ListP50Async(ActionClient client, ActionQuery query)
    {
        await client.ListAsync(query).ConfigureAwait(false);
        List<double> times = [];
        for (var i = 0; i < 21; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.ListAsync(query).ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Stats.Percentile(times, 50);
    }

    // A silo of its own for every scenario, so none inherits another's store or memory; the quick smoke run shares one.
    private async Task<Cluster> OpenAsync()
    {
        if (options.Quick)
        {
            if (_shared is null)
            {
                var startedShared = Stopwatch.GetTimestamp();
                _shared = await Cluster.StartAsync(options, shared: true).ConfigureAwait(false);
                log.WriteLine(Inv($"  silo ready and connected in {Stopwatch.GetElapsedTime(startedShared).TotalSeconds:F1} s"));
            }

            return _shared;
        }

        var started = Stopwatch.GetTimestamp();
        var cluster = await Cluster.StartAsync(options, shared: false).ConfigureAwait(false);
        log.WriteLine(Inv($"  silo ready and connected in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
        return cluster;
    }

    /// <summary>Dispatches <paramref name="count"/> actions keeping at most <see cref="BenchOptions.InFlight"/> unfinished, and waits for all.</summary>
    private async Task<List<ActionSnapshot>> RunBatchAsync(ActionClient client, int count, string command, TimeSpan? expires = null)
    {
        var finals = new ActionSnapshot[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = options.InFlight },
            async (i, ct) =>
            {
                var queued = await client.DispatchAsync(new ActionRequest(command, Submitter, Expires: expires)).ConfigureAwait(false);
                finals[i] = await client.WaitForFinalAsync(queued.Id, ct).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"Action {queued.Id} vanished.");
            }).ConfigureAwait(false);
        return [.. finals];
    }

    private static async Task WaitForStatusAsync(ActionClient client, Guid id, ActionStatus status)
    {
        var deadline = Stopwatch.GetTimestamp();
        while ((await client.GetAsync(id).ConfigureAwait(false))?.Status != status)
        {
            if (Stopwatch.GetElapsedTime(deadline) > StartDeadline)
            {
                throw new TimeoutException($"Action {id} did not reach {status} within {StartDeadline.TotalSeconds} s.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A silo and a client connection to it; a shared one outlives the scenario that disposes it.</summary>
internal sealed class Cluster(SiloHost silo, PlexusConnection connection, bool shared) : IAsyncDisposable
{
    public SiloHost Silo { get; } = silo;

    public PlexusConnection Connection { get; } = connection;

    public static async Task<Cluster> StartAsync(BenchOptions options, bool shared)
    {
        var silo = await SiloHost.StartAsync(options).ConfigureAwait(false);
        try
        {
            return new Cluster(silo, await PlexusConnection.ConnectAsync(o => o.Gateway = silo.Gateway.ToString()).ConfigureAwait(false), shared);
        }
        catch
        {
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!shared)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
            await Silo.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Percentiles by nearest rank.</summary>
public static class Stats
{
    public static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
