using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Plexus.Queries;

namespace Plexus.Diagnostics;

/// <summary>
/// The cluster's backlog per queue, from the action index: <c>plexus.queue.depth</c> (actions queued) and
/// <c>plexus.queue.oldest_age</c> (how long the earliest of them has been queued). Only one silo reports them, the
/// oldest active member of the cluster, so a sum or an alert over every silo's <c>/metrics</c> counts each action once;
/// when it leaves, the next oldest takes over. Queues no silo serves are reported too: their actions are in the index.
/// </summary>
public sealed partial class QueueBacklogMetrics : BackgroundService
{
    /// <summary>How often the reporting silo reads the backlog from the index.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly IActionIndex _index;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueBacklogMetrics> _logger;

    // Every queue seen since start: one whose last action left reads 0 rather than vanishing, so alerts clear.
    private readonly ConcurrentDictionary<string, QueueBacklog?> _backlog = new(StringComparer.Ordinal);

    /// <summary>Creates the two gauges on <paramref name="metrics"/>' meter.</summary>
    public QueueBacklogMetrics(
        PlexusMetrics metrics, IActionIndex index, IClusterMembershipService membership, ILocalSiloDetails silo, TimeProvider time, ILogger<QueueBacklogMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        (_index, _membership, _silo, _time, _logger) = (index, membership, silo, time, logger);
        _backlog[PlexusMetrics.DefaultQueue] = null;
        metrics.Meter.CreateObservableGauge("plexus.queue.depth", () => Observe(b => b?.Count ?? 0), "{action}",
            "Actions queued in the cluster, by queue (reported by one silo).");
        metrics.Meter.CreateObservableGauge("plexus.queue.oldest_age", () => Observe(OldestAgeSeconds), "s",
            "How long the earliest queued action of the queue has been queued, 0 when none is (reported by one silo).");
    }

    /// <summary>Gets whether this silo is the one that reports: the oldest active member of the cluster.</summary>
    public bool Reporting =>
        _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.Generation)
            .ThenBy(a => a.ToParsableString(), StringComparer.Ordinal)
            .FirstOrDefault() is { } oldest && oldest.Equals(_silo.SiloAddress);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, _time);
        do
        {
            if (!Reporting)
            {
                continue;
            }

            try
            {
                var current = (await _index.QueuedAsync(stoppingToken).ConfigureAwait(false)).ToDictionary(b => b.Queue, StringComparer.Ordinal);
                foreach (var queue in _backlog.Keys.Union(current.Keys, StringComparer.Ordinal).ToList())
                {
                    _backlog[queue] = current.GetValueOrDefault(queue);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // The gauges keep their last values; the next round tries again. Health reports storage separately.
                LogRefreshFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<QueueBacklog?, T> value) where T : struct =>
        Reporting
            ? _backlog.Select(entry => new Measurement<T>(value(entry.Value), PlexusMetrics.Tag(PlexusMetrics.QueueTag, entry.Key)))
            : [];

    private double OldestAgeSeconds(QueueBacklog? backlog) =>
        backlog is null ? 0 : Math.Max(0, (_time.GetUtcNow() - backlog.OldestQueuedAt).TotalSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the queue backlog from the action index failed")]
    private partial void LogRefreshFailed(Exception exception);
}
