using System.Text.Json.Serialization;
using Plexus.Audit;

namespace Plexus.Actions;

/// <summary>
/// Everything known about one action: the persisted state of its grain and the document
/// <c>plexus-client status --json</c> prints. Immutable: every change is a new snapshot made by one transition.
/// </summary>
[GenerateSerializer, Alias("plexus.ActionSnapshot")]
public sealed record ActionSnapshot
{
    /// <summary>Gets the action id (the grain key).</summary>
    [Id(0)] public required Guid Id { get; init; }

    /// <summary>Gets the lifecycle state.</summary>
    [Id(1)] public required ActionStatus Status { get; init; }

    /// <summary>Gets the command string as dispatched.</summary>
    [Id(2)] public required string Command { get; init; }

    /// <summary>Gets who dispatched the action.</summary>
    [Id(3)] public required string Submitter { get; init; }

    /// <summary>Gets the run-time limit of one attempt, if any.</summary>
    [Id(4)] public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the current (or last) attempt number, starting at 1.</summary>
    [Id(5)] public int Attempt { get; init; }

    /// <summary>Gets when the action was accepted.</summary>
    [Id(6)] public DateTimeOffset QueuedAt { get; init; }

    /// <summary>Gets when a worker started the current attempt.</summary>
    [Id(7)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the action reached its final state.</summary>
    [Id(8)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the worker that holds (or held) the current attempt.</summary>
    [Id(9)] public WorkerInfo? Worker { get; init; }

    /// <summary>Gets the result of the last attempt, once it ended.</summary>
    [Id(10)] public CommandResult? Result { get; init; }

    /// <summary>Gets the number of the last change (status, progress, cancel request); it grows by one with each.</summary>
    [Id(11)] public long Version { get; init; }

    /// <summary>Gets the stages the command reported, in order.</summary>
    [Id(12)] public System.Collections.Immutable.ImmutableList<StageInfo> Stages { get; init; } = [];

    /// <summary>Gets how far the current stage is, 0–100, when it reports a total.</summary>
    [Id(13)] public double? Percent { get; init; }

    /// <summary>Gets when the current stage is expected to finish, once it is at least 10% done.</summary>
    [Id(14)] public DateTimeOffset? EstimatedCompletion { get; init; }

    /// <summary>Gets the queue deadline: not started by then, the action ends <see cref="ActionStatus.Expired"/>.</summary>
    [Id(15)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets who asked to cancel the action, once someone did.</summary>
    [Id(16)] public string? CancelRequestedBy { get; init; }

    /// <summary>Gets the retry policy of this action: the configured one with the dispatch's changes.</summary>
    [Id(17)] public RetryPolicy Retry { get; init; } = new();

    /// <summary>Gets the attempts that ended, in order; the current one joins when it ends.</summary>
    [Id(18)] public System.Collections.Immutable.ImmutableList<AttemptRecord> Attempts { get; init; } = [];

    /// <summary>Gets when the next attempt is queued, while the action is <see cref="ActionStatus.Retrying"/>.</summary>
    [Id(19)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Gets the idempotency key the action was dispatched with, if any.</summary>
    [Id(20)] public string? IdempotencyKey { get; init; }

    /// <summary>
    /// Gets the last publication of the current attempt's envelope, while the action is queued. Kept with the
    /// state so an action can leave memory while it waits; recovery bookkeeping, not part of the JSON document.
    /// </summary>
    [Id(21), JsonIgnore] public EnvelopePublication? Published { get; init; }

    /// <summary>Gets how long the action is kept once it is final: its request's, else the configured default.</summary>
    [Id(22)] public TimeSpan? Retention { get; init; }

    /// <summary>Gets until when the action is kept: <see cref="FinishedAt"/> plus <see cref="Retention"/>, once it is final.</summary>
    public DateTimeOffset? RetainUntil => Status.IsFinal() && FinishedAt is { } finished && Retention is { } retention ? finished + retention : null;

    /// <summary>
    /// Gets when the action's retention ran out and its request, output and result were removed; what is left says
    /// only that it existed. <see langword="null"/> while it is kept.
    /// </summary>
    [Id(23)] public DateTimeOffset? ForgottenAt { get; init; }

    /// <summary>
    /// Gets who did what to the action, oldest first: the dispatch, cancels, retries, expiry. The last
    /// <see cref="AuditRecord.PerActionLimit"/> are kept here (none once the action is forgotten); the audit log keeps them all.
    /// </summary>
    [Id(24)] public System.Collections.Immutable.ImmutableList<AuditRecord> Audit { get; init; } = [];

    /// <summary>Gets the queue the action waits in; only silos serving it run its attempts.</summary>
    [Id(25)] public string Queue { get; init; } = Queues.QueueNames.Default;

    /// <summary>
    /// Gets the memory and CPU-time limits the dispatch asked for, if any; each attempt runs under the tighter of
    /// these and its catalog entry's.
    /// </summary>
    [Id(40)] public ResourceLimits? Limits { get; init; }

    /// <summary>
    /// Gets the steps: the dispatch's commands, run in order on one worker, each with its own result. One for an action
    /// of one command; empty only for an action stored before actions had steps.
    /// </summary>
    [Id(41)] public System.Collections.Immutable.ImmutableList<StepInfo> Steps { get; init; } = [];

    /// <summary>Gets whether every step runs even after one failed (the action then fails); by default the first failure skips the rest.</summary>
    [Id(42)] public bool KeepGoing { get; init; }

    /// <summary>Gets the files the steps wrote under <c>$PLEXUS_ARTIFACTS_DIR</c> and that were kept, per attempt, in order.</summary>
    [Id(43)] public System.Collections.Immutable.ImmutableList<ArtifactInfo> Artifacts { get; init; } = [];
}
