using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Security;

namespace Plexus.Audit;

/// <summary>
/// Makes audit entries and writes them: to the <see cref="IAuditLog"/> and as structured log events. The caller's
/// identity is the one the silo's role filter established (<see cref="CallerContext.IdentityKey"/>), else the name
/// the client gives itself (without API keys); its origin is what the client sends. A failed append is logged as a warning and never fails or holds up the action.
/// </summary>
public sealed partial class AuditTrail(IAuditLog log, ILocalSiloDetails silo, TimeProvider time, ILogger<AuditTrail> logger, ConfiguredSecrets? secrets = null)
{
    /// <summary>
    /// Returns a new entry for the action <paramref name="actionId"/>. <paramref name="caller"/> is the name the call
    /// itself gave (a submitter, a cancel's requester), used when the request context names nobody; null marks what
    /// the cluster did on its own, whose actor is <see cref="AuditRecord.SystemActor"/> and origin this silo.
    /// </summary>
    public AuditRecord Entry(Guid actionId, AuditOperation operation, AuditOutcome outcome, string detail, string? caller)
    {
        var (actor, origin) = caller is null
            ? (AuditRecord.SystemActor, silo.SiloAddress.ToString())
            : (Text(CallerContext.IdentityKey) ?? Text(CallerContext.ActorKey) ?? caller, Text(CallerContext.OriginKey));
        return Make(actionId, operation, outcome, detail, actor, origin);
    }

    /// <summary>Returns the entry of a call refused for its caller (<paramref name="actor"/>, as far as it is known) before it ran.</summary>
    public AuditRecord Refusal(Guid actionId, AuditOperation operation, string detail, string actor) =>
        Make(actionId, operation, AuditOutcome.Refused, detail, actor, Text(CallerContext.OriginKey));

    private AuditRecord Make(Guid actionId, AuditOperation operation, AuditOutcome outcome, string detail, string actor, string? origin)
    {
        return new AuditRecord
        {
            Id = Guid.CreateVersion7(),
            At = time.GetUtcNow(),
            // Scrubbed here, so neither the action's own trail nor the audit log can hold a configured secret.
            Actor = Scrub(actor),
            Origin = origin is null ? null : Scrub(origin),
            Operation = operation,
            ActionId = actionId,
            Outcome = outcome,
            Detail = Scrub(detail),
        };
    }

    /// <summary>Returns <paramref name="trail"/> with <paramref name="entry"/> added, keeping the last <see cref="AuditRecord.PerActionLimit"/>.</summary>
    public static ImmutableList<AuditRecord> Add(ImmutableList<AuditRecord>? trail, AuditRecord entry)
    {
        var added = (trail ?? []).Add(entry);
        return added.Count > AuditRecord.PerActionLimit ? added.RemoveRange(0, added.Count - AuditRecord.PerActionLimit) : added;
    }

    /// <summary>Writes the entries <paramref name="after"/> holds that <paramref name="before"/> did not: the log follows what the action stored.</summary>
    public async Task WriteAddedAsync(ActionSnapshot? before, ActionSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var known = before?.Audit ?? [];
        if (ReferenceEquals(known, after.Audit))
        {
            return;
        }

        foreach (var entry in after.Audit ?? [])
        {
            if (!known.Contains(entry))
            {
                await WriteAsync(entry).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes <paramref name="entry"/> to the log and as a log event; a failed append is logged, not thrown.</summary>
    public async Task WriteAsync(AuditRecord entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        LogEntry(entry.Actor, entry.Origin, entry.Operation, entry.ActionId, entry.Outcome, entry.Detail);
        try
        {
            await log.AppendAsync(entry).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAppendFailed(ex, entry.Operation, entry.ActionId, entry.Actor);
        }
    }

    private string Scrub(string text) => secrets?.Scrub(text) ?? text;

    private static string? Text(string key) => RequestContext.Get(key) is string { Length: > 0 } text ? text : null;
}
