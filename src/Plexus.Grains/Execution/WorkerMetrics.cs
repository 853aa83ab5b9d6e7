using System.Diagnostics.Metrics;

namespace Plexus.Execution;

/// <summary>
/// The counters a silo's workers publish on the <c>Plexus.Workers</c> meter, each tagged with the silo's address
/// (<see cref="SiloTag"/>): silos that share a process (in-process test clusters) stay apart.
/// </summary>
public static class WorkerMetrics
{
    /// <summary>The meter name to listen to (OpenTelemetry, dotnet-counters).</summary>
    public const string MeterName = "Plexus.Workers";

    /// <summary>The tag that names the silo a measurement comes from.</summary>
    public const string SiloTag = "silo";

    /// <summary>The tag of <see cref="AttemptsFinished"/> that gives the result status.</summary>
    public const string StatusTag = "status";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Attempts a worker started (it won the attempt).</summary>
    public static readonly Counter<long> AttemptsStarted = Meter.CreateCounter<long>("plexus.worker.attempts.started");

    /// <summary>Attempts a worker finished, tagged with the result <see cref="StatusTag"/>.</summary>
    public static readonly Counter<long> AttemptsFinished = Meter.CreateCounter<long>("plexus.worker.attempts.finished");

    /// <summary>Envelopes dropped because their attempt was not startable (duplicates, late deliveries).</summary>
    public static readonly Counter<long> EnvelopesDropped = Meter.CreateCounter<long>("plexus.worker.envelopes.dropped");
}
