using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Commands;
using Plexus.Queries;

namespace Plexus.Actions;

/// <summary>
/// Removes finished actions whose retention ran out: every <see cref="ExecutionOptions.RetentionSweepInterval"/> it
/// asks the index which are due and has each action forget itself. Every silo sweeps; two sweeps reaching the same
/// action change nothing more than one, and an action's own check keeps the removal correct.
/// </summary>
public sealed partial class RetentionSweep(
    IActionIndex index, IGrainFactory grains, IOptions<ExecutionOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
    : BackgroundService
{
    // Actions asked to forget themselves per index read; a sweep reads again while a batch comes back full.
    private const int BatchSize = 200;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Removes every action that is due now.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = await index.DueForRemovalAsync(time.GetUtcNow(), BatchSize, cancellationToken).ConfigureAwait(false);
            var removed = await Task.WhenAll(due.Select(item => grains.GetGrain<IActionRetentionGrain>(item.Id).ForgetIfDueAsync())).ConfigureAwait(false);
            if (removed.Count(r => r) is > 0 and var count)
            {
                LogSwept(count);
            }

            // A full batch may have more behind it; one where nothing could be removed would only come back again.
            if (due.Count < BatchSize || !removed.Any(r => r))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed {Count} finished actions whose retention ran out")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: the sweep failed; the next one tries again")]
    private partial void LogSweepFailed(Exception exception);
}
