namespace Plexus.Actions;

/// <summary>What happens after an attempt ended: another attempt after a wait, or a final status.</summary>
/// <param name="RetryAfter">The wait before the next attempt is queued; <see langword="null"/> when there is none.</param>
/// <param name="FinalStatus">The status the action ends in when there is no next attempt.</param>
/// <param name="Error">An error that replaces the result's own, when the decision itself is the reason (poison, no attempts left).</param>
/// <param name="Poison">Whether the action is stopped as poison: too many of its attempts lost their worker.</param>
public readonly record struct RetryDecision(TimeSpan? RetryAfter, ActionStatus FinalStatus, string? Error = null, bool Poison = false);

/// <summary>Applies an action's <see cref="RetryPolicy"/> to an attempt that ended.</summary>
public static class Retries
{
    /// <summary>
    /// Decides what follows <paramref name="ended"/>, the attempt of <paramref name="action"/> that just ended.
    /// A cancel request or success is final; a drained attempt (its silo stopped) is queued again at once and not
    /// counted against the attempts; a lost worker is retried (by default) until the attempts run out or
    /// so many workers were lost that the action is poison; a timeout and listed exit codes only when opted in.
    /// </summary>
    /// <param name="action">The action before the attempt is recorded.</param>
    /// <param name="ended">The attempt that ended.</param>
    /// <param name="jitter">A number in [0, 1) that spreads the backoff; random when <see langword="null"/>.</param>
    public static RetryDecision Decide(ActionSnapshot action, AttemptRecord ended, double? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(ended);
        var policy = action.Retry;
        if (action.CancelRequestedBy is not null)
        {
            return new(null, ActionStatus.Cancelled);
        }

        // A drained attempt was the silo's doing, not the command's: it is not counted against the attempts.
        var used = action.Attempts.Count(a => a.Outcome != AttemptOutcome.Drained) + 1;
        var attemptsLeft = used < policy.MaxAttempts;
        RetryDecision Retry() => new(policy.DelayBefore(ended.Number + 1, jitter ?? Random.Shared.NextDouble()), ActionStatus.Failed);
        switch (ended.Outcome)
        {
            case AttemptOutcome.Drained:
                return new(TimeSpan.Zero, ActionStatus.Failed);
            case AttemptOutcome.Succeeded:
                return new(null, ActionStatus.Succeeded);
            case AttemptOutcome.Cancelled:
                return new(null, ActionStatus.Cancelled);
            case AttemptOutcome.TimedOut:
                return policy.RetryOnTimeout && attemptsLeft ? Retry() : new(null, ActionStatus.TimedOut);
            case AttemptOutcome.Failed:
                var listed = ended.ExitCode is { } code && policy.RetryExitCodes.Contains(code);
                return listed && attemptsLeft ? Retry() : new(null, ActionStatus.Failed);
        }

        // A lost worker: the command may be what takes its workers down, so lost workers are counted apart.
        var lost = action.Attempts.Count(a => a.Outcome == AttemptOutcome.WorkerLost) + 1;
        if (!attemptsLeft)
        {
            return new(null, ActionStatus.Failed, $"{ended.Error} No attempts are left ({used} of {policy.MaxAttempts} used).");
        }

        if (lost >= policy.MaxLostWorkers)
        {
            return new(null, ActionStatus.Failed,
                $"Stopped as poison: {lost} attempts lost their worker (the most allowed is {policy.MaxLostWorkers}); " +
                $"the command may be what brings its silo down, so it is not tried again. Last: {ended.Error}", Poison: true);
        }

        return policy.RetryOnWorkerLost
            ? Retry()
            : new(null, ActionStatus.Failed, $"{ended.Error} Retrying after a lost worker is off for this action.");
    }
}
