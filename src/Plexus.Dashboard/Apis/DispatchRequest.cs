using System.Text.Json.Serialization;
using Plexus.Actions;
using Plexus.Queues;

namespace Plexus.Dashboard.Apis;

/// <summary>
/// The body of <c>POST /api/actions</c>: the options of <c>plexus-client dispatch --async</c>, by the same names and
/// in the same units (seconds). A member the dashboard does not know is refused, so a misspelt option is not ignored.
/// </summary>
/// <param name="Command">The command to run, e.g. <c>demo --items 50</c>.</param>
/// <param name="Timeout">The run-time limit of an attempt, in seconds.</param>
/// <param name="Expires">The queue deadline, in seconds: not started by then, the action ends Expired.</param>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="RetryExitCodes">Exit codes after which an attempt is retried.</param>
/// <param name="RetryOnTimeout">Whether an attempt that ran past its timeout is retried.</param>
/// <param name="IdempotencyKey">Dispatching again with the same key returns the existing action.</param>
/// <param name="Queue">The queue it waits in.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DispatchRequest(
    string? Command,
    double? Timeout = null,
    double? Expires = null,
    int? MaxAttempts = null,
    IReadOnlyList<int>? RetryExitCodes = null,
    bool? RetryOnTimeout = null,
    string? IdempotencyKey = null,
    string? Queue = null)
{
    /// <summary>The members of the body, for messages.</summary>
    public const string Members = "command, timeout, expires, maxAttempts, retryExitCodes, retryOnTimeout, idempotencyKey, queue";

    /// <summary>
    /// Returns the request for <paramref name="submitter"/>, or the problems of each field by name (the names of this
    /// body), checked by <see cref="RequestRules"/> as everywhere else.
    /// </summary>
    public (ActionRequest? Request, Dictionary<string, string[]> Errors) ToRequest(string submitter)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var timeout = Seconds(Timeout, "timeout", errors);
        var expires = Seconds(Expires, "expires", errors);
        if (Queue is { } queue && QueueNames.Problem(queue) is { } queueProblem)
        {
            errors["queue"] = [queueProblem];
        }

        var codes = RetryExitCodes is { Count: > 0 } given ? given : null;
        var retry = new RetryOverrides(MaxAttempts, RetryOnTimeout, codes);
        var baseline = new ActionRequest(Command!, submitter);
        var probe = baseline with { Command = "probe" };
        Field("command", baseline, errors);
        Field("timeout", probe with { Timeout = timeout }, errors);
        Field("expires", probe with { Expires = expires }, errors);
        Field("idempotencyKey", probe with { IdempotencyKey = IdempotencyKey }, errors);
        Field("maxAttempts", probe with { Retry = new RetryOverrides(MaxAttempts: MaxAttempts) }, errors);
        Field("retryExitCodes", probe with { Retry = new RetryOverrides(RetryExitCodes: codes) }, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (baseline with
        {
            Timeout = timeout,
            Expires = expires,
            Retry = retry == new RetryOverrides() ? null : retry,
            IdempotencyKey = IdempotencyKey,
            Queue = Queue,
        }, errors);
    }

    // Each part is checked on its own beside a plain request (a placeholder command for the others), so each problem
    // lands on the field that has it.
    private static void Field(string name, ActionRequest request, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey(name))
        {
            return;
        }

        try
        {
            RequestRules.Check(request);
        }
        catch (PlexusException problem)
        {
            errors[name] = [problem.Message];
        }
    }

    private static TimeSpan? Seconds(double? value, string name, Dictionary<string, string[]> errors)
    {
        switch (value)
        {
            case null:
                return null;
            case > 0 and < 1e9:
                return TimeSpan.FromSeconds(value.Value);
            default:
                errors[name] = [$"{name} must be a positive number of seconds; it is {value}."];
                return null;
        }
    }
}
