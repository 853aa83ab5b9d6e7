using Orleans.Concurrency;

namespace Plexus.Audit;

/// <summary>Writes the refusals front ends report to the silo's audit log; any silo can, so one runs on each.</summary>
[StatelessWorker]
public sealed class AuditRecorderGrain(AuditTrail audit) : Grain, IAuditRecorderGrain
{
    // The reporter's words go into the log as one bounded line.
    private const int MaxRequestLength = 300;
    private const int MaxReasonLength = 500;

    /// <inheritdoc />
    public async Task<AuditRecord> RecordRefusalAsync(string request, string reason)
    {
        // Who reports it: the key the role filter established, or nobody for a silo's own dashboard.
        var reporter = RequestContext.Get(CallerContext.IdentityKey) as string is { Length: > 0 } name ? $"'{name}'" : "a silo's own dashboard";
        var entry = audit.Refusal(
            Guid.Empty,
            AuditOperation.Call,
            $"{OneLine(request, MaxRequestLength)} refused by {reporter}: {OneLine(reason, MaxReasonLength)}",
            AuditRecord.AnonymousActor);
        await audit.WriteAsync(entry);
        return entry;
    }

    private static string OneLine(string? text, int max)
    {
        var line = string.Concat((text ?? "").Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return line.Length <= max ? line : line[..max] + "…";
    }
}
