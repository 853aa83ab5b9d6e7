namespace Plexus.Actions;

/// <summary>The lifecycle state of an action. Outcomes are past tense; only outcomes are final.</summary>
[GenerateSerializer, Alias("plexus.ActionStatus")]
public enum ActionStatus
{
    /// <summary>Accepted and waiting for a worker.</summary>
    Queued = 0,

    /// <summary>A worker holds the action and its command runs.</summary>
    Running = 1,

    /// <summary>An attempt ended and the next one waits for its turn.</summary>
    Retrying = 2,

    /// <summary>The command exited with code 0.</summary>
    Succeeded = 3,

    /// <summary>The command exited non-zero or could not run.</summary>
    Failed = 4,

    /// <summary>Stopped on request.</summary>
    Cancelled = 5,

    /// <summary>Stopped because it ran past its run-time limit.</summary>
    TimedOut = 6,

    /// <summary>Never started within its queue deadline.</summary>
    Expired = 7,
}

/// <summary>Helpers over <see cref="ActionStatus"/>.</summary>
public static class ActionStatusExtensions
{
    /// <summary>Gets whether <paramref name="status"/> is an outcome no later message can change.</summary>
    public static bool IsFinal(this ActionStatus status) => status is
        ActionStatus.Succeeded or ActionStatus.Failed or ActionStatus.Cancelled or
        ActionStatus.TimedOut or ActionStatus.Expired;
}
