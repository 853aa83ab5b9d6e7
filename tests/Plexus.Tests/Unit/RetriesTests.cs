using Plexus.Actions;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class RetriesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ActionSnapshot Action(RetryPolicy policy, params AttemptOutcome[] earlier) => new()
    {
        Id = Guid.NewGuid(),
        Status = ActionStatus.Running,
        Command = "x",
        Submitter = "tests",
        Attempt = earlier.Length + 1,
        Retry = policy,
        Attempts = [.. earlier.Select((outcome, i) => Ended(i + 1, outcome))],
    };

    private static AttemptRecord Ended(int number, AttemptOutcome outcome, int? exitCode = null) =>
        new(number, new WorkerInfo("silo", "host"), Now, Now, outcome, exitCode, outcome == AttemptOutcome.WorkerLost ? "Worker lost: gone." : null);

    [Theory]
    [InlineData(AttemptOutcome.Succeeded, ActionStatus.Succeeded)]
    [InlineData(AttemptOutcome.Cancelled, ActionStatus.Cancelled)]
    [InlineData(AttemptOutcome.TimedOut, ActionStatus.TimedOut)]
    [InlineData(AttemptOutcome.Failed, ActionStatus.Failed)]
    public void Decide_DefaultPolicy_OnlyALostWorkerIsRetried(AttemptOutcome outcome, ActionStatus final)
    {
        var decision = Retries.Decide(Action(new RetryPolicy()), Ended(1, outcome, exitCode: 1));

        Assert.Null(decision.RetryAfter);
        Assert.Equal(final, decision.FinalStatus);
    }

    [Fact]
    public void Decide_LostWorkerWithAttemptsLeft_Retries()
    {
        var decision = Retries.Decide(Action(new RetryPolicy()), Ended(1, AttemptOutcome.WorkerLost), jitter: 0);

        Assert.Equal(TimeSpan.FromSeconds(2.5), decision.RetryAfter);
    }

    [Fact]
    public void Decide_LostWorkerOnLastAttempt_FailsSayingNoAttemptsAreLeft()
    {
        var policy = new RetryPolicy { MaxAttempts = 2 };

        var decision = Retries.Decide(Action(policy, AttemptOutcome.Failed), Ended(2, AttemptOutcome.WorkerLost));

        Assert.Null(decision.RetryAfter);
        Assert.Equal(ActionStatus.Failed, decision.FinalStatus);
        Assert.Equal("Worker lost: gone. No attempts are left (2 of 2 used).", decision.Error);
    }

    [Fact]
    public void Decide_TooManyLostWorkers_StopsAsPoisonEvenWithAttemptsLeft()
    {
        var policy = new RetryPolicy { MaxAttempts = 10, MaxLostWorkers = 3 };

        var decision = Retries.Decide(Action(policy, AttemptOutcome.WorkerLost, AttemptOutcome.Failed, AttemptOutcome.WorkerLost), Ended(4, AttemptOutcome.WorkerLost));

        Assert.Null(decision.RetryAfter);
        Assert.StartsWith("Stopped as poison: 3 attempts lost their worker", decision.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LostWorkerWithRetryOnWorkerLostOff_Fails()
    {
        var decision = Retries.Decide(Action(new RetryPolicy { RetryOnWorkerLost = false }), Ended(1, AttemptOutcome.WorkerLost));

        Assert.Null(decision.RetryAfter);
        Assert.Contains("off", decision.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CancelRequested_IsFinalWhateverHappened()
    {
        var action = Action(new RetryPolicy { RetryExitCodes = [1] }) with { CancelRequestedBy = "someone" };

        Assert.Equal(new RetryDecision(null, ActionStatus.Cancelled), Retries.Decide(action, Ended(1, AttemptOutcome.WorkerLost)));
        Assert.Equal(new RetryDecision(null, ActionStatus.Cancelled), Retries.Decide(action, Ended(1, AttemptOutcome.Failed, exitCode: 1)));
    }

    [Fact]
    public void Decide_OptedInTimeoutAndExitCode_AreRetriedUntilTheLastAttempt()
    {
        var policy = new RetryPolicy { MaxAttempts = 2, RetryOnTimeout = true, RetryExitCodes = [75] };

        Assert.NotNull(Retries.Decide(Action(policy), Ended(1, AttemptOutcome.TimedOut)).RetryAfter);
        Assert.NotNull(Retries.Decide(Action(policy), Ended(1, AttemptOutcome.Failed, exitCode: 75)).RetryAfter);
        Assert.Null(Retries.Decide(Action(policy), Ended(1, AttemptOutcome.Failed, exitCode: 74)).RetryAfter);
        Assert.Equal(ActionStatus.TimedOut, Retries.Decide(Action(policy, AttemptOutcome.TimedOut), Ended(2, AttemptOutcome.TimedOut)).FinalStatus);
        Assert.Null(Retries.Decide(Action(policy, AttemptOutcome.Failed), Ended(2, AttemptOutcome.Failed, exitCode: 75)).RetryAfter);
    }

    [Theory]
    [InlineData(2, 0.0, 2.5)]
    [InlineData(2, 0.999999, 5)]
    [InlineData(3, 0.0, 5)]
    [InlineData(4, 0.0, 10)]
    [InlineData(9, 0.0, 150)]
    [InlineData(10, 0.0, 150)]
    [InlineData(50, 0.999999, 300)]
    public void DelayBefore_DoublesPerAttemptUpToTheCapWithHalfToFullJitter(int nextAttempt, double jitter, double expectedSeconds)
    {
        var delay = new RetryPolicy().DelayBefore(nextAttempt, jitter);

        Assert.Equal(expectedSeconds, delay.TotalSeconds, precision: 3);
    }

    [Fact]
    public void With_Overrides_ReplaceOnlyWhatTheySet()
    {
        var configured = new RetryPolicy { MaxAttempts = 4, RetryExitCodes = [1] };

        var policy = configured.With(new RetryOverrides(RetryOnTimeout: true, RetryExitCodes: [9, 3, 9]));

        Assert.Equal(4, policy.MaxAttempts);
        Assert.True(policy.RetryOnTimeout);
        Assert.Equal([3, 9], policy.RetryExitCodes);
        Assert.Same(configured, configured.With(null));
    }

    [Theory]
    [InlineData(0, "attempts must be between 1 and 100")]
    [InlineData(101, "attempts must be between 1 and 100")]
    public void Problem_OutOfRangeAttempts_IsNamed(int attempts, string expected)
    {
        Assert.Contains(expected, new RetryPolicy { MaxAttempts = attempts }.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_BadExitCodeOrDelays_IsNamed()
    {
        Assert.Contains("exit codes", new RetryPolicy { RetryExitCodes = [0] }.Problem(), StringComparison.Ordinal);
        Assert.Contains("delays", new RetryPolicy { InitialDelay = TimeSpan.FromMinutes(10) }.Problem(), StringComparison.Ordinal);
        Assert.Null(new RetryPolicy().Problem());
    }

    [Fact]
    public void Decide_DefaultPoisonThreshold_StopsAtTheThirdLostWorker()
    {
        // Only the attempts are raised: the threshold is the documented default of 3 lost workers.
        var policy = new RetryPolicy { MaxAttempts = 10 };

        var second = Retries.Decide(Action(policy, AttemptOutcome.WorkerLost), Ended(2, AttemptOutcome.WorkerLost));
        var third = Retries.Decide(Action(policy, AttemptOutcome.WorkerLost, AttemptOutcome.WorkerLost), Ended(3, AttemptOutcome.WorkerLost));

        Assert.NotNull(second.RetryAfter);
        Assert.Null(third.RetryAfter);
        Assert.StartsWith("Stopped as poison: 3 attempts lost their worker (the most allowed is 3)", third.Error, StringComparison.Ordinal);
    }

    // Written out (and computed apart from the code: SHA-256 of "plexus/idempotency/" + the UTF-8 key, the first 16 bytes
    // with RFC 9562 version 8 and variant bits): a changed derivation would orphan every keyed action on upgrade.
    [Theory]
    [InlineData("nightly-eval", "b6a45564-5b8a-8bbf-8b20-b0f9ed3d0af4")]
    [InlineData("nightly-2026-11-27", "bfce3a82-4649-8bea-86fe-39098f57c0bb")]
    [InlineData("é ☃ key with spaces", "00dde4f9-fbfc-89d5-adb3-8c49987f0927")]
    public void ActionId_KnownKey_KeepsItsKnownId(string key, string expected)
    {
        Assert.Equal(Guid.Parse(expected), IdempotencyKeys.ActionId(key));
    }

    [Fact]
    public void ActionId_SameKey_IsStableAndAVersion8Uuid()
    {
        var id = IdempotencyKeys.ActionId("nightly-eval");

        Assert.Equal(id, IdempotencyKeys.ActionId("nightly-eval"));
        Assert.NotEqual(id, IdempotencyKeys.ActionId("nightly-eval2"));
        Assert.Equal(8, id.Version);
        Assert.Equal('8', id.ToString()[14]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  ", "empty")]
    [InlineData("a\u0001b", "control character")]
    public void Problem_UnusableKey_IsNamed(string key, string expected)
    {
        Assert.Contains(expected, IdempotencyKeys.Problem(key), StringComparison.Ordinal);
        Assert.Contains("at most 256", IdempotencyKeys.Problem(new string('k', 257)), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DrainedOnTheLastAttempt_QueuesAnotherAtOnce()
    {
        var decision = Retries.Decide(Action(new RetryPolicy { MaxAttempts = 1 }), Ended(1, AttemptOutcome.Drained));

        Assert.Equal(TimeSpan.Zero, decision.RetryAfter);
    }

    [Fact]
    public void Decide_FailureAfterDrains_DrainedAttemptsAreNotCountedAgainstTheLimit()
    {
        var policy = new RetryPolicy { MaxAttempts = 2, RetryExitCodes = [75] };

        var decision = Retries.Decide(Action(policy, AttemptOutcome.Drained, AttemptOutcome.Drained), Ended(3, AttemptOutcome.Failed, exitCode: 75), jitter: 0);

        Assert.NotNull(decision.RetryAfter);
    }

    [Fact]
    public void Decide_LostWorkerAfterDrains_DrainsAreNotLostWorkers()
    {
        var policy = new RetryPolicy { MaxAttempts = 10, MaxLostWorkers = 2 };

        var decision = Retries.Decide(Action(policy, AttemptOutcome.Drained, AttemptOutcome.Drained, AttemptOutcome.Drained), Ended(4, AttemptOutcome.WorkerLost), jitter: 0);

        Assert.NotNull(decision.RetryAfter);
    }
}
