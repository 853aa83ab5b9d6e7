using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Commands;
using Plexus.Diagnostics;
using Polly;
using Polly.Retry;

namespace Plexus.Execution;

/// <summary>
/// The silo's command workers: exactly <see cref="ExecutionOptions.Concurrency"/> loops take envelopes in
/// arrival order, ask the action grain for the attempt, run the command and report the result.
/// </summary>
public sealed partial class WorkerPool(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    CommandCatalog catalog,
    CommandRunner runner,
    RunningCommands running,
    IOptions<ExecutionOptions> options,
    PlexusMetrics metrics,
    TimeProvider time,
    ILogger<WorkerPool> logger) : BackgroundService
{
    // Envelopes wait here, with when they arrived, for the next free worker: the silo's share of the queue.
    private readonly Channel<(CommandEnvelope Envelope, DateTimeOffset ArrivedAt)> _queue =
        Channel.CreateUnbounded<(CommandEnvelope, DateTimeOffset)>(new() { SingleReader = false });

    private int _running;

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

    private volatile WorkerPoolState _state = WorkerPoolState.Starting;

    /// <summary>Gets where the pool is in its life: <see cref="WorkerPoolState.Running"/> while it takes new work.</summary>
    public WorkerPoolState State => _state;

    private WorkerInfo Worker => new(silo.SiloAddress.ToString(), Environment.MachineName);

    private string SiloName => silo.SiloAddress.ToString();

    /// <summary>Queues <paramref name="envelope"/> for the next free worker.</summary>
    public void Enqueue(CommandEnvelope envelope) => _queue.Writer.TryWrite((envelope, time.GetUtcNow()));

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
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _state = WorkerPoolState.Stopped;
        return base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.Concurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)).ToArray();
        if (_state == WorkerPoolState.Starting)
        {
            _state = WorkerPoolState.Running;
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (envelope, _) in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _running);
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
                    Interlocked.Decrement(ref _running);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Read when metrics are collected: busy and free workers, and the envelopes waiting for them.
    private void ObserveGauges()
    {
        KeyValuePair<string, object?>[] silo = [PlexusMetrics.Tag(PlexusMetrics.SiloTag, SiloName)];
        KeyValuePair<string, object?>[] queue = [.. silo, PlexusMetrics.Tag(PlexusMetrics.QueueTag, PlexusMetrics.DefaultQueue)];
        var meter = metrics.Meter;
        meter.CreateObservableGauge("plexus.worker.running", () => new Measurement<int>(Volatile.Read(ref _running), silo), "{command}",
            "Commands this silo's workers run now.");
        meter.CreateObservableGauge("plexus.worker.free_slots", () => new Measurement<int>(options.Value.Concurrency - Volatile.Read(ref _running), silo), "{command}",
            "Workers of this silo free to start a command.");
        meter.CreateObservableGauge("plexus.queue.depth", () => new Measurement<int>(_queue.Reader.Count, queue), "{action}",
            "Envelopes this silo took from the queue that wait for a free worker.");
        meter.CreateObservableGauge("plexus.queue.oldest_age", () => new Measurement<double>(OldestWaitingSeconds(), queue), "s",
            "How long the oldest envelope waiting for a free worker of this silo has waited (0 when none waits).");
        meter.CreateObservableGauge("plexus.queue.serving", () => new Measurement<int>(State == WorkerPoolState.Running ? 1 : 0, queue), "{silo}",
            "1 while this silo's worker pool takes work from the queue (running, not draining).");
    }

    private double OldestWaitingSeconds() =>
        _queue.Reader.TryPeek(out var oldest) ? Math.Max(0, (time.GetUtcNow() - oldest.ArrivedAt).TotalSeconds) : 0;

    private async Task RunAttemptAsync(CommandEnvelope envelope, CancellationToken stoppingToken)
    {
        var action = grains.GetGrain<IActionWorkerGrain>(envelope.ActionId);
        var worker = Worker;
        using var control = new AttemptControl();
        var controlReference = grains.CreateObjectReference<IAttemptControl>(control);
        if (await action.TryStartAsync(envelope.Attempt, worker, controlReference).ConfigureAwait(false) is not { } started)
        {
            metrics.EnvelopeDropped(SiloName);
            LogDuplicateDropped(envelope.ActionId, envelope.Attempt);
            return;
        }

        metrics.AttemptStarted(SiloName);

        var result = await RunAsync(action, started, worker, control, stoppingToken).ConfigureAwait(false);
        await _report.ExecuteAsync(async _ => await action.CompleteAsync(result).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        metrics.AttemptFinished(result.Duration, result.Status, PlexusMetrics.DefaultQueue, SiloName);
        LogAttemptFinished(envelope.ActionId, envelope.Attempt, result.Status, result.ExitCode, result.Duration.TotalMilliseconds);
    }

    private async Task<CommandResult> RunAsync(
        IActionWorkerGrain grain, ActionSnapshot action, WorkerInfo worker, AttemptControl control, CancellationToken stoppingToken)
    {
        var startedAt = time.GetUtcNow();
        ProcessSpec spec;
        try
        {
            spec = catalog.Resolve(action.Command);
            spec = spec with { Limits = ResourceLimits.Tightest(spec.Limits, action.Limits) };
        }
        catch (CommandRejectedException ex)
        {
            // Accepted by a silo whose catalog had the command, but this silo's catalog lacks it.
            return CommandResults.Refused(action.Command, action.Attempt, worker, startedAt, $"This worker cannot run it: {ex.Message}");
        }

        var limit = action.Timeout ?? options.Value.DefaultTimeout;
        if (limit is { } runTimeLimit)
        {
            control.StopAfter(runTimeLimit, time);
        }

        var reporter = new AttemptReporter(action.Attempt, time);
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
        var result = CommandResults.From(action.Command, action.Attempt, worker, startedAt, time.GetUtcNow(), outcome);
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
}
