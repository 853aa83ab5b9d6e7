using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>Retry policy, attempt records and idempotent dispatch on one silo (retry delays 0.2–1 s).</summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class RetryTests(ClusterFixture fixture)
{
    private string Marker() => Path.Combine(fixture.WorkDir, Guid.NewGuid().ToString("N"));

    private static int Runs(string marker) => File.Exists(marker) ? File.ReadAllLines(marker).Length : 0;

    [Fact]
    public async Task Dispatch_ListedExitCode_RetriesWithBackoffAndRecordsEveryAttempt()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'echo run >> {marker}; exit 75'", "tests", Retry: new RetryOverrides(MaxAttempts: 3, RetryExitCodes: [75])));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(3, final.Attempt);
        Assert.Equal(3, Runs(marker));
        Assert.Equal([1, 2, 3], final.Attempts.Select(a => a.Number));
        Assert.All(final.Attempts, a =>
        {
            Assert.Equal(AttemptOutcome.Failed, a.Outcome);
            Assert.Equal(75, a.ExitCode);
            Assert.NotNull(a.Worker);
            Assert.True(a.StartedAt <= a.FinishedAt);
        });

        // Backoff: 0.2 s then 0.4 s, each scaled by a jitter factor of 0.5–1.
        Assert.True(final.Attempts[1].StartedAt - final.Attempts[0].FinishedAt >= TimeSpan.FromMilliseconds(100), "no wait before attempt 2");
        Assert.True(final.Attempts[2].StartedAt - final.Attempts[1].FinishedAt >= TimeSpan.FromMilliseconds(200), "no doubled wait before attempt 3");
        Assert.Equal(3, final.Result?.Attempt);
        Assert.Equal(new[] { 75 }, final.Retry.RetryExitCodes);
    }

    [Fact]
    public async Task Dispatch_RetriedCommandThatRecovers_SucceedsOnALaterAttempt()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'if [ -e {marker} ]; then echo second; else touch {marker}; exit 75; fi'", "tests",
            Retry: new RetryOverrides(RetryExitCodes: [75])));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(2, final.Attempt);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], final.Attempts.Select(a => a.Outcome));
        Assert.Equal("second\n", final.Result?.Stdout);
    }

    [Fact]
    public async Task Dispatch_UnlistedExitCode_IsNotRetried()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'echo run >> {marker}; exit 3'", "tests", Retry: new RetryOverrides(MaxAttempts: 3, RetryExitCodes: [75])));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(1, final.Attempt);
        Assert.Equal(1, Runs(marker));
        Assert.Single(final.Attempts);
    }

    [Fact]
    public async Task Dispatch_TimeoutWithRetryOnTimeout_RetriesThenEndsTimedOut()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            "sh 'sleep 30'", "tests", Timeout: TimeSpan.FromMilliseconds(300), Retry: new RetryOverrides(MaxAttempts: 2, RetryOnTimeout: true)));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.TimedOut, final.Status);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.TimedOut], final.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public async Task Dispatch_TimeoutByDefault_IsNotRetried()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("sh 'sleep 30'", "tests", Timeout: TimeSpan.FromMilliseconds(300)));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.TimedOut, final.Status);
        Assert.Single(final.Attempts);
    }

    [Fact]
    public async Task Dispatch_InvalidRetryPolicy_IsRefusedWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<PlexusException>(() => fixture.Actions.DispatchAsync(
            new ActionRequest("echo x", "tests", Retry: new RetryOverrides(MaxAttempts: 0))));

        Assert.Contains("attempts must be between 1 and 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_SameIdempotencyKeyTwice_ReturnsTheFirstActionAndRunsOnce()
    {
        var marker = Marker();
        var key = "nightly-eval-" + Guid.NewGuid().ToString("N");
        var request = new ActionRequest($"sh 'echo run >> {marker}'", "tests", IdempotencyKey: key);

        var first = await fixture.Actions.DispatchAsync(request);
        var final = await fixture.Actions.FinalAsync(first.Id);
        var again = await fixture.Actions.DispatchAsync(request with { Submitter = "someone else" });

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(IdempotencyKeys.ActionId(key), first.Id);
        Assert.Equal(ActionStatus.Succeeded, again.Status);
        Assert.Equal(final.Version, again.Version);
        Assert.Equal("tests", again.Submitter);
        Assert.Equal(1, Runs(marker));
    }

    [Fact]
    public async Task Dispatch_ConcurrentDispatchesWithOneKey_CreateOneAction()
    {
        var marker = Marker();
        var request = new ActionRequest($"sh 'echo run >> {marker}'", "tests", IdempotencyKey: Guid.NewGuid().ToString());

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.Actions.DispatchAsync(request)));
        await fixture.Actions.FinalAsync(results[0].Id);

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(1, Runs(marker));
    }

    [Fact]
    public async Task Dispatch_IdempotencyKeyReusedForAnotherCommand_IsRefused()
    {
        var key = Guid.NewGuid().ToString();
        var first = await fixture.Actions.DispatchAsync(new ActionRequest("echo one", "tests", IdempotencyKey: key));

        var error = await Assert.ThrowsAsync<PlexusException>(() => fixture.Actions.DispatchAsync(new ActionRequest("echo two", "tests", IdempotencyKey: key)));

        Assert.Contains("already used", error.Message, StringComparison.Ordinal);
        Assert.Equal("echo one", (await fixture.Actions.GetAsync(first.Id))?.Command);
    }

    [Fact]
    public async Task Cancel_WhileRetrying_EndsCancelledWithoutAnotherAttempt()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'echo run >> {marker}; exit 75'", "tests", Retry: new RetryOverrides(MaxAttempts: 100, RetryExitCodes: [75])));

        // Cancelled from the push that says a retry is pending; from attempt 4 on the wait is at least 0.5 s.
        CancelResult? answer = null;
        var statuses = new List<ActionStatus>();
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        await foreach (var item in fixture.Actions.WatchAsync(queued.Id, deadline.Token))
        {
            if (item.Action is not { } action)
            {
                continue;
            }

            statuses.Add(action.Status);
            if (answer is null && action is { Status: ActionStatus.Retrying, Attempts.Count: >= 4 })
            {
                answer = await fixture.Actions.CancelAsync(queued.Id, "tests");
            }
        }

        var final = await fixture.Actions.FinalAsync(queued.Id);
        var runs = Runs(marker);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // not a wait for a state: longer than the largest backoff, so no attempt may follow

        Assert.True(answer?.Accepted, answer?.Message);
        Assert.Contains("cancelled while waiting to retry", answer!.Message, StringComparison.Ordinal);
        Assert.Equal([ActionStatus.Retrying, ActionStatus.Cancelled], statuses[^2..]);
        Assert.Equal(ActionStatus.Cancelled, final.Status);
        Assert.Equal(runs, Runs(marker));
        Assert.Equal(final.Attempts.Count, runs);
    }
}
