using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Commands;
using Plexus.Queues;

namespace Plexus.Execution;

/// <summary>
/// Reports this silo's worker pool to the cluster's worker registry every <see cref="ExecutionOptions.WorkerHeartbeatInterval"/>
/// and at once when it starts draining, and learns from the answer which queues exist (for the patterns it serves).
/// Stops after the pool has drained, saying it left.
/// </summary>
public sealed partial class WorkerRegistration(
    IGrainFactory grains,
    WorkerPool pool,
    SiloQueues queues,
    IOptions<ExecutionOptions> options,
    ILogger<WorkerRegistration> logger) : BackgroundService
{
    private readonly SemaphoreSlim _beat = new(0, 1);

    private IWorkerHeartbeatGrain Registry => grains.GetGrain<IWorkerHeartbeatGrain>(0);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Registry.LeaveAsync(pool.Status().Silo).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The registry drops a silent silo after three intervals anyway.
            LogHeartbeatFailed(ex);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _beat.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        queues.Changed += BeatNow;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await BeatAsync().ConfigureAwait(false);
                await _beat.WaitAsync(options.Value.WorkerHeartbeatInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queues.Changed -= BeatNow;
        }
    }

    private void BeatNow(object? sender, EventArgs e)
    {
        try
        {
            _beat.Release();
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            var known = await Registry.HeartbeatAsync(new WorkerHeartbeat(pool.Status(), queues.Published)).ConfigureAwait(false);
            queues.Learn(known);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHeartbeatFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker heartbeat to the registry failed")]
    private partial void LogHeartbeatFailed(Exception exception);
}
