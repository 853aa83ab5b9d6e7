namespace Plexus.Execution;

/// <summary>Where a silo's <see cref="WorkerPool"/> is in its life; readiness follows it.</summary>
public enum WorkerPoolState
{
    /// <summary>The silo is starting: no worker loop runs yet.</summary>
    Starting,

    /// <summary>The worker loops run and take new work.</summary>
    Running,

    /// <summary>The silo is being drained: it takes no new work, so load balancers and health checks see it unready.</summary>
    Draining,

    /// <summary>The worker loops have stopped (the silo shuts down).</summary>
    Stopped,
}
