using System.Diagnostics.Metrics;
using Plexus.Actions;

namespace Plexus.Diagnostics;

/// <summary>
/// The instruments of a silo on the <see cref="MeterName"/> meter, made through the host's <see cref="IMeterFactory"/>
/// (so silos sharing a process keep apart and the meter goes with its host). Names follow OpenTelemetry's
/// conventions; the Prometheus exporter turns <c>plexus.actions.dispatched</c> into <c>plexus_actions_dispatched_total</c>
/// and a histogram in seconds into <c>…_seconds_bucket</c>.
/// </summary>
public sealed class PlexusMetrics
{
    /// <summary>The meter name to listen to (OpenTelemetry, dotnet-counters).</summary>
    public const string MeterName = "Plexus";

    /// <summary>The tag that names the silo a worker measurement comes from.</summary>
    public const string SiloTag = "silo";

    /// <summary>The tag that gives an action's or attempt's status.</summary>
    public const string StatusTag = "status";

    /// <summary>The tag that names the action queue.</summary>
    public const string QueueTag = "queue";

    /// <summary>The queue whose counters start at zero, so alerts see them before its first action.</summary>
    public const string DefaultQueue = Queues.QueueNames.Default;

    // From 5 ms (a `true` waits and runs about that long) to 2 h (long evaluations); OpenTelemetry's default buckets are for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    };

    private readonly Counter<long> _dispatched;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _poisonStops;
    private readonly Counter<long> _leaseRenewals;
    private readonly Counter<long> _workersLost;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _runTime;
    private readonly Counter<long> _attemptsStarted;
    private readonly Counter<long> _envelopesDropped;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public PlexusMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _dispatched = Meter.CreateCounter<long>("plexus.actions.dispatched", "{action}", "Actions accepted and queued, by queue.");
        _finished = Meter.CreateCounter<long>("plexus.actions.finished", "{action}", "Actions that reached a final status, by status and queue.");
        _retries = Meter.CreateCounter<long>("plexus.actions.retries", "{attempt}", "Attempts that ended and were given another attempt, by queue.");
        _poisonStops = Meter.CreateCounter<long>("plexus.actions.poison_stops", "{action}", "Actions stopped as poison: too many attempts lost their worker.");
        _leaseRenewals = Meter.CreateCounter<long>("plexus.leases.renewals", "{report}", "Reports of running attempts, each of which renews its worker's lease.");
        _workersLost = Meter.CreateCounter<long>("plexus.workers.lost", "{attempt}", "Attempts whose worker's lease lapsed (its silo crashed, stopped or lost contact).");
        _queueWait = Meter.CreateHistogram("plexus.actions.queue_wait", "s", "From queued (or re-queued for a retry) to the attempt's start, by queue.", advice: Seconds);
        _runTime = Meter.CreateHistogram("plexus.attempts.run_time", "s", "How long attempts' commands ran, by result status and queue.", advice: Seconds);
        _attemptsStarted = Meter.CreateCounter<long>("plexus.worker.attempts.started", "{attempt}", "Attempts a worker of this silo started, by silo.");
        _envelopesDropped = Meter.CreateCounter<long>("plexus.worker.envelopes.dropped", "{envelope}", "Envelopes dropped because their attempt was not startable (duplicates, late deliveries), by silo.");

        // Every series of the default queue exists from the start at 0: a rate or an alert over a series that appears only
        // with its first event would miss that event.
        _dispatched.Add(0, Tag(QueueTag, DefaultQueue));
        foreach (var status in Enum.GetValues<ActionStatus>().Where(s => s.IsFinal()))
        {
            _finished.Add(0, Tag(StatusTag, status.ToString()), Tag(QueueTag, DefaultQueue));
        }

        _retries.Add(0, Tag(QueueTag, DefaultQueue));
        _poisonStops.Add(0, Tag(QueueTag, DefaultQueue));
        _workersLost.Add(0, Tag(QueueTag, DefaultQueue));
        _leaseRenewals.Add(0);
    }

    /// <summary>Gets the meter, for the instruments whose values are read when collected (gauges of the worker pool).</summary>
    public Meter Meter { get; }

    /// <summary>Counts an action queued by a dispatch.</summary>
    public void ActionDispatched(string queue) => _dispatched.Add(1, Tag(QueueTag, queue));

    /// <summary>Counts an action that reached the final <paramref name="status"/>.</summary>
    public void ActionFinished(ActionStatus status, string queue) => _finished.Add(1, Tag(StatusTag, status.ToString()), Tag(QueueTag, queue));

    /// <summary>Counts an attempt that gets another after it.</summary>
    public void Retried(string queue) => _retries.Add(1, Tag(QueueTag, queue));

    /// <summary>Counts an action stopped as poison.</summary>
    public void PoisonStopped(string queue) => _poisonStops.Add(1, Tag(QueueTag, queue));

    /// <summary>Counts a report that renewed a lease.</summary>
    public void LeaseRenewed() => _leaseRenewals.Add(1);

    /// <summary>Counts an attempt whose worker was lost.</summary>
    public void WorkerLost(string queue) => _workersLost.Add(1, Tag(QueueTag, queue));

    /// <summary>Records how long an attempt waited in its queue.</summary>
    public void QueueWaited(TimeSpan wait, string queue) => _queueWait.Record(Math.Max(0, wait.TotalSeconds), Tag(QueueTag, queue));

    /// <summary>Records an attempt a worker of <paramref name="silo"/> started.</summary>
    public void AttemptStarted(string silo) => _attemptsStarted.Add(1, Tag(SiloTag, silo));

    /// <summary>Records how long an attempt's command ran and how it ended.</summary>
    public void AttemptFinished(TimeSpan runTime, string status, string queue, string silo) =>
        _runTime.Record(Math.Max(0, runTime.TotalSeconds), Tag(StatusTag, status), Tag(QueueTag, queue), Tag(SiloTag, silo));

    /// <summary>Counts an envelope a worker of <paramref name="silo"/> dropped.</summary>
    public void EnvelopeDropped(string silo) => _envelopesDropped.Add(1, Tag(SiloTag, silo));

    /// <summary>Makes a tag.</summary>
    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
