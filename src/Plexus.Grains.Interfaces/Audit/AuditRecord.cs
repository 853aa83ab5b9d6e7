namespace Plexus.Audit;

/// <summary>What an audited call asked for.</summary>
public enum AuditOperation
{
    /// <summary>A dispatch of a new action.</summary>
    Dispatch,

    /// <summary>A cancel of an action.</summary>
    Cancel,

    /// <summary>A new attempt after one ended, decided by the action's retry policy.</summary>
    Retry,

    /// <summary>The end of an action whose queue deadline passed before it started.</summary>
    Expire,

    /// <summary>The removal of a finished action's request, output and result once its retention ran out.</summary>
    Remove,

    /// <summary>Any other call of a client (a read, a listing), recorded when it is refused for its caller's key or role.</summary>
    Call,
}

/// <summary>How an audited call ended.</summary>
public enum AuditOutcome
{
    /// <summary>It was done (or, for a cancel of a running action, is being done).</summary>
    Accepted,

    /// <summary>It was refused and changed nothing; <see cref="AuditRecord.Detail"/> says why.</summary>
    Refused,
}

/// <summary>
/// One entry of the audit trail: who did what to which action, when, from where, and how it ended. An action keeps
/// the entries of the changes stored with it (the last <see cref="PerActionLimit"/>); the audit log keeps every entry,
/// refused calls included.
/// </summary>
[GenerateSerializer, Alias("plexus.AuditRecord")]
public sealed record AuditRecord
{
    /// <summary>How many entries an action keeps with itself; older ones stay in the audit log only.</summary>
    public const int PerActionLimit = 100;

    /// <summary>The actor of what the cluster does on its own (retries, expiry).</summary>
    public const string SystemActor = "plexus";

    /// <summary>The actor of a refusal whose caller presented no key the cluster knows.</summary>
    public const string AnonymousActor = "anonymous";

    /// <summary>Gets the id of this entry, unique in the log.</summary>
    [Id(0)] public required Guid Id { get; init; }

    /// <summary>Gets when it happened.</summary>
    [Id(1)] public required DateTimeOffset At { get; init; }

    /// <summary>Gets who did it: the caller's identity, or <see cref="SystemActor"/> for what the cluster did on its own.</summary>
    [Id(2)] public required string Actor { get; init; }

    /// <summary>Gets where the call came from: the client's host, or the silo for what the cluster did on its own; null when not known.</summary>
    [Id(3)] public string? Origin { get; init; }

    /// <summary>Gets what was asked for.</summary>
    [Id(4)] public required AuditOperation Operation { get; init; }

    /// <summary>Gets the action it concerned.</summary>
    [Id(5)] public required Guid ActionId { get; init; }

    /// <summary>Gets how it ended.</summary>
    [Id(6)] public required AuditOutcome Outcome { get; init; }

    /// <summary>Gets what happened, in words: the command dispatched, the reason of a refusal, the attempt retried.</summary>
    [Id(7)] public string Detail { get; init; } = "";
}
