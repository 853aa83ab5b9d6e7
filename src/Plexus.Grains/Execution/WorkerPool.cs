using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Artifacts;
using Orleans.Streams;
using Plexus.Commands;
using Plexus.Diagnostics;
using Plexus.Queues;
using Polly;
using Polly.Retry;

namespace Plexus.Execution;

/// <summary>
/// The silo's command workers: one lane per queue entry it serves (<see cref="ExecutionOptions.ServedQueues"/>), each
/// with exactly its concurrency in loops that take envelopes in arrival order, ask the action grain for the attempt,
/// run the command and report the result.
/// </summary>
/// <remarks>
/// Stopping drains: the silo reads no more envelopes, lets running commands finish for up to
/// <see cref="ExecutionOptions.DrainTimeout"/>, then stops the rest with <see cref="StopReason.Drained"/>, which queues
/// their actions again at once for another silo. Envelopes that arrive meanwhile are published again, once.
/// </remarks>
public sealed partial class WorkerPool(
    IGrainFactory grains,
    IServiceProvider services,
    ILocalSiloDetails silo,
    SiloQueues queues,
    CommandCatalog catalog,
    CommandRunner runner,
    RunningCommands running,
    IOptions<ExecutionOptions> options,
    PlexusMetrics metrics,
    TimeProvider time,
    ILogger<WorkerPool> logger) : BackgroundService
{
    private readonly Dictionary<string, Lane> _lanes = queues.Entries.ToDictionary(e => e.Key, e => new Lane(e.Key, e.Value), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<AttemptControl, byte> _running = new();
    private readonly ConcurrentDictionary<(Guid, int), byte> _handedBack = new();

    // Reports to the action grain are retried: a result, once produced, must not be lost to a transient fault.
    private readonly ResiliencePipeline _report = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 8,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not PlexusException),
        })
        .Build();

    // How often a running attempt sends its output and progress to the action grain.
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    // Past the drain deadline the stopped commands get their grace period and this long to report.
    private static readonly TimeSpan ReportSlack = TimeSpan.FromSeconds(10);

    private volatile WorkerPoolState _state = WorkerPoolState.Starting;

    /// <summary>Gets where the pool is in its life: <see cref="WorkerPoolState.Running"/> while it takes new work.</summary>
    public WorkerPoolState State => _state;

    private WorkerInfo Worker => new(silo.SiloAddress.ToString(), Environment.MachineName);

    private string SiloName => silo.SiloAddress.ToString();

    /// <summary>Gets when the pool started.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>Gets the pool's state for the worker registry.</summary>
    public WorkerStatus Status() => new(
        silo.SiloAddress.ToString(),
        Environment.MachineName,
        [.. _lanes.Values.OrderBy(l => l.Queue, StringComparer.Ordinal).Select(l => new ServedQueue(l.Queue, l.Concurrency, l.Running))],
        StartedAt,
        time.GetUtcNow(),
        queues.Draining);

    /// <summary>Queues <paramref name="envelope"/> for the next free worker of its queue.</summary>
    public void Enqueue(CommandEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (queues.Draining)
        {
            _ = HandBackAsync(envelope);
            return;
        }

        // A provider that does not keep queues apart (the embedded default's memory streams) delivers every queue here.
        if (queues.EntryFor(envelope.Queue) is not { } entry)
        {
            LogNotServed(envelope.ActionId, envelope.Attempt, envelope.Queue);
            return;
        }

        _lanes[entry].Envelopes.Writer.TryWrite((envelope, time.GetUtcNow()));
    }

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before this silo runs anything: a silo killed on this data folder may have left its commands running.
        await running.KillLeftoversAsync(cancellationToken).ConfigureAwait(false);

        // Said once at start, where the operator looks, rather than only in each failed action.
        foreach (var (name, executable, problem) in catalog.Unrunnable())
        {
            LogUnrunnableCommand(name, executable, problem);
        }

        ObserveGauges();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the pool as draining: from now on the silo reports itself unready, so load balancers and the cluster's
    /// health checks stop sending it work. Stopping intake and finishing or re-queueing running work is the drain's.
    /// </summary>
    public void MarkDraining()
    {
        if (_state == WorkerPoolState.Running)
        {
            _state = WorkerPoolState.Draining;
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        MarkDraining();
        queues.StartDraining();
        foreach (var lane in _lanes.Values)
        {
            lane.Envelopes.Writer.TryComplete();
        }

        var drain = options.Value.DrainTimeout;
        LogDraining(_running.Count, drain.TotalSeconds);
        if (ExecuteTask is { } loops)
        {
            if (await Task.WhenAny(loops, Task.Delay(drain, time, cancellationToken)).ConfigureAwait(false) != loops)
            {
                LogDrainDeadline(_running.Count);
                foreach (var control in _running.Keys)
                {
                    control.Stop(StopReason.Drained);
                }

                await Task.WhenAny(loops, Task.Delay(options.Value.StopGracePeriod + ReportSlack, time, cancellationToken)).ConfigureAwait(false);
            }
        }

        _state = WorkerPoolState.Stopped;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = _lanes.Values
            .SelectMany(lane => Enumerable.Range(0, lane.Concurrency).Select(_ => Task.Run(() => WorkAsync(lane, stoppingToken), stoppingToken)))
            .ToArray();
        if (_state == WorkerPoolState.Starting)
        {
            _state = WorkerPoolState.Running;
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(Lane lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (envelope, _) in lane.Envelopes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (queues.Draining)
                {
                    await HandBackAsync(envelope).ConfigureAwait(false);
                    continue;
                }

                Interlocked.Increment(ref lane.RunningCount);
                try
                {
                    await RunAttemptAsync(envelope, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogAttemptFailed(ex, envelope.ActionId, envelope.Attempt);
                }
                finally
                {
                    Interlocked.Decrement(ref lane.RunningCount);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // An envelope this draining silo will not run goes back on its stream for a silo that reads it; only once, so a
    // provider that delivers it here again (one silo on memory streams) does not make a loop. Recovery republishes
    // it later should this fail.
    private async Task HandBackAsync(CommandEnvelope envelope)
    {
        if (!_handedBack.TryAdd((envelope.ActionId, envelope.Attempt), 0))
        {
            return;
        }

        try
        {
            await CommandStreams.PublishAsync(services.GetRequiredKeyedService<IStreamProvider>(CommandStreams.ProviderName), envelope).ConfigureAwait(false);
            LogHandedBack(envelope.ActionId, envelope.Attempt, envelope.Queue);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAttemptFailed(ex, envelope.ActionId, envelope.Attempt);
        }
    }

    // Read when metrics are collected: busy and free workers, and the envelopes waiting for them, per served queue entry.
    private void ObserveGauges()
    {
        KeyValuePair<string, object?>[] silo = [PlexusMetrics.Tag(PlexusMetrics.SiloTag, SiloName)];
        var meter = metrics.Meter;
        meter.CreateObservableGauge("plexus.worker.running", () => new Measurement<int>(_lanes.Values.Sum(l => l.Running), silo), "{command}",
            "Commands this silo's workers run now.");
        meter.CreateObservableGauge("plexus.worker.free_slots", () => new Measurement<int>(_lanes.Values.Sum(l => l.Concurrency - l.Running), silo), "{command}",
            "Workers of this silo free to start a command.");
        // The cluster's backlog per queue is plexus.queue.depth and .oldest_age (QueueBacklogMetrics, one silo); these
        // are what this silo took from the queue and holds for a free worker.
        meter.CreateObservableGauge("plexus.worker.waiting", () => PerLane(l => l.Envelopes.Reader.Count), "{action}",
            "Envelopes this silo took from the queue that wait for a free worker.");
        meter.CreateObservableGauge("plexus.worker.oldest_wait", () => PerLane(OldestWaitingSeconds), "s",
            "How long the oldest envelope waiting for a free worker of this silo has waited (0 when none waits).");
        meter.CreateObservableGauge("plexus.queue.serving", () => PerLane(_ => State == WorkerPoolState.Running ? 1 : 0), "{silo}",
            "1 while this silo's worker pool takes work from the queue (running, not draining).");

        IEnumerable<Measurement<T>> PerLane<T>(Func<Lane, T> value) where T : struct =>
            _lanes.Values.Select(l => new Measurement<T>(value(l), [.. silo, PlexusMetrics.Tag(PlexusMetrics.QueueTag, l.Queue)]));
    }

    private double OldestWaitingSeconds(Lane lane) =>
        lane.Envelopes.Reader.TryPeek(out var oldest) ? Math.Max(0, (time.GetUtcNow() - oldest.ArrivedAt).TotalSeconds) : 0;

    private async Task RunAttemptAsync(CommandEnvelope envelope, CancellationToken stoppingToken)
    {
        var action = grains.GetGrain<IActionWorkerGrain>(envelope.ActionId);
        using var control = new AttemptControl();
        _running[control] = 0;
        try
        {
            await RunStartedAttemptAsync(action, envelope, control, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(control, out _);
        }
    }

    private async Task RunStartedAttemptAsync(IActionWorkerGrain action, CommandEnvelope envelope, AttemptControl control, CancellationToken stoppingToken)
    {
        var worker = Worker;
        var controlReference = grains.CreateObjectReference<IAttemptControl>(control);
        if (await action.TryStartAsync(envelope.Attempt, worker, controlReference).ConfigureAwait(false) is not { } started)
        {
            metrics.EnvelopeDropped(SiloName);
            LogDuplicateDropped(envelope.ActionId, envelope.Attempt);
            return;
        }

        metrics.AttemptStarted(SiloName);

        var result = await RunStepsAsync(action, started, worker, control, stoppingToken).ConfigureAwait(false);
        await _report.ExecuteAsync(async _ => await action.CompleteAsync(result).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        metrics.AttemptFinished(result.Duration, result.Status, envelope.Queue, SiloName);
        LogAttemptFinished(envelope.ActionId, envelope.Attempt, result.Status, result.ExitCode, result.Duration.TotalMilliseconds);
    }

    private async Task<CommandResult> RunAsync(
        IActionWorkerGrain grain, ActionSnapshot action, (int Number, string Command) step, ArtifactBudget budget, WorkerInfo worker, AttemptControl control,
        CancellationToken stoppingToken)
    {
        var startedAt = time.GetUtcNow();
        ProcessSpec spec;
        try
        {
            spec = catalog.Resolve(step.Command);
            spec = spec with { Limits = ResourceLimits.Tightest(spec.Limits, action.Limits) };
        }
        catch (CommandRejectedException ex)
        {
            // Accepted by a silo whose catalog had the command, but this silo's catalog lacks it.
            return CommandResults.Refused(step.Command, action.Attempt, worker, startedAt, $"This worker cannot run it: {ex.Message}") with { Step = step.Number };
        }

        // The run-time limit covers the whole attempt, every step of it: RunStepsAsync starts its timer.
        var limit = action.Timeout ?? options.Value.DefaultTimeout;
        using var artifacts = StepArtifacts.Create(action.Id, action.Attempt, step.Number);
        spec = CommandEnvironment.ForStep(spec, action.Id, action.Attempt, step.Number, artifacts.Folder);
        var reporter = new AttemptReporter(action.Attempt, time, step.Number);
        var reportTicks = new PeriodicTimer(ReportInterval, time);
        var reporting = ReportLoopAsync(grain, reporter, control, reportTicks);
        var run = new RunControl { Stop = control.Stopping, GracePeriod = options.Value.StopGracePeriod, OnOutput = reporter.Add };
        ProcessOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(spec, run, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Disposing the timer ends the loop without an exception: one per command was measurable.
            reportTicks.Dispose();
            await reporting.ConfigureAwait(false);
        }

        // The last output and progress reach watchers before the outcome does.
        await SendReportAsync(grain, reporter.Drain(final: true), control).ConfigureAwait(false);
        var collected = await CollectArtifactsAsync(artifacts.Folder, action, step.Number, budget, stoppingToken).ConfigureAwait(false);
        var result = CommandResults.From(step.Command, action.Attempt, worker, startedAt, time.GetUtcNow(), outcome) with
        {
            Step = step.Number,
            Artifacts = collected.Kept,
            ArtifactsRefused = collected.Refused,
        };
        return outcome switch
        {
            { LimitExceeded: { } exceeded } => CommandResults.LimitExceeded(result, exceeded),
            { Stopped: true } when control.Reason is { } reason => CommandResults.Stopped(result, reason, limit),
            _ => result,
        };
    }

    // Live output and progress go to the action grain a few times a second, batched, while the command runs; a
    // silent command still sends an empty report several times per lease, which renews the worker's lease.
    // It ends when the caller disposes the timer.
    private async Task ReportLoopAsync(IActionWorkerGrain grain, AttemptReporter reporter, AttemptControl control, PeriodicTimer ticks)
    {
        var heartbeat = options.Value.LeaseDuration / 4;
        var lastSent = time.GetUtcNow();
        while (await ticks.WaitForNextTickAsync().ConfigureAwait(false))
        {
            var report = reporter.Drain();
            if (report is null && time.GetUtcNow() - lastSent >= heartbeat)
            {
                report = reporter.Heartbeat();
            }

            if (report is not null)
            {
                lastSent = time.GetUtcNow();
                await SendReportAsync(grain, report, control).ConfigureAwait(false);
            }
        }
    }

    private async Task SendReportAsync(IActionWorkerGrain grain, AttemptReport? report, AttemptControl control)
    {
        if (report is null)
        {
            return;
        }

        try
        {
            // A "no" means the attempt must stop: a cancel whose push to us was lost, or a superseded attempt.
            if (!await grain.ReportAsync(report).ConfigureAwait(false))
            {
                control.Stop(StopReason.Cancelled);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Live updates are best effort; the result is reported with retries.
            LogReportFailed(ex, report.Attempt);
        }
    }

    private sealed class Lane(string queue, int concurrency)
    {
        public int RunningCount;

        public string Queue { get; } = queue;

        public int Concurrency { get; } = concurrency;

        public int Running => Volatile.Read(ref RunningCount);

        // Envelopes wait here, with when they arrived, for the next free worker of this entry.
        public Channel<(CommandEnvelope Envelope, DateTimeOffset ArrivedAt)> Envelopes { get; } =
            Channel.CreateUnbounded<(CommandEnvelope, DateTimeOffset)>(new() { SingleReader = false });
    }
}
