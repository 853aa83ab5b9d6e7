using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Commands;
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
    IOptions<ExecutionOptions> options,
    TimeProvider time,
    ILogger<WorkerPool> logger) : BackgroundService
{
    private readonly Channel<CommandEnvelope> _queue = Channel.CreateUnbounded<CommandEnvelope>(new() { SingleReader = false });

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

    private WorkerInfo Worker => new(silo.SiloAddress.ToString(), Environment.MachineName);

    /// <summary>Queues <paramref name="envelope"/> for the next free worker.</summary>
    public void Enqueue(CommandEnvelope envelope) => _queue.Writer.TryWrite(envelope);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var envelope in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RunAttemptAsync(envelope, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogAttemptFailed(ex, envelope.ActionId, envelope.Attempt);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAttemptAsync(CommandEnvelope envelope, CancellationToken stoppingToken)
    {
        var action = grains.GetGrain<IActionGrain>(envelope.ActionId);
        var worker = Worker;
        using var control = new AttemptControl();
        var controlReference = grains.CreateObjectReference<IAttemptControl>(control);
        if (await action.TryStartAsync(envelope.Attempt, worker, controlReference).ConfigureAwait(false) is not { } started)
        {
            WorkerMetrics.EnvelopesDropped.Add(1);
            LogDuplicateDropped(envelope.ActionId, envelope.Attempt);
            return;
        }

        WorkerMetrics.AttemptsStarted.Add(1);

        var result = await RunAsync(started, worker, stoppingToken).ConfigureAwait(false);
        await _report.ExecuteAsync(async _ => await action.CompleteAsync(result).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        WorkerMetrics.AttemptsFinished.Add(1, new KeyValuePair<string, object?>("status", result.Status));
        LogAttemptFinished(envelope.ActionId, envelope.Attempt, result.Status, result.ExitCode, result.Duration.TotalMilliseconds);
    }

    private async Task<CommandResult> RunAsync(ActionSnapshot action, WorkerInfo worker, CancellationToken stoppingToken)
    {
        var startedAt = time.GetUtcNow();
        ProcessSpec spec;
        try
        {
            spec = catalog.Resolve(action.Command);
        }
        catch (CommandRejectedException ex)
        {
            // Accepted by a silo whose catalog had the command, but this silo's catalog lacks it.
            return CommandResults.Refused(action.Command, action.Attempt, worker, startedAt, $"This worker cannot run it: {ex.Message}");
        }

        var outcome = await runner.RunAsync(spec, new RunControl(), stoppingToken).ConfigureAwait(false);
        return CommandResults.From(action.Command, action.Attempt, worker, startedAt, time.GetUtcNow(), outcome);
    }
}
