using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>Actions of several commands: steps in order on one worker, each with its own result, cancel and retry per step.</summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class StepsTests(ClusterFixture fixture)
{
    private string Marker() => Path.Combine(fixture.WorkDir, Guid.NewGuid().ToString("N"));

    private static string[] Runs(string marker) => File.Exists(marker) ? File.ReadAllLines(marker) : [];

    [Fact]
    public async Task Dispatch_ThreeSteps_RunInOrderEachWithItsOwnResult()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [$"sh 'echo prepare >> {marker}; echo prepared'", $"sh 'echo evaluate >> {marker}; echo evaluated >&2'", $"sh 'echo report >> {marker}; echo reported'"],
            "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(["prepare", "evaluate", "report"], Runs(marker));
        Assert.Equal([1, 2, 3], final.Steps.Select(s => s.Number));
        Assert.All(final.Steps, s =>
        {
            Assert.Equal(StepStatus.Succeeded, s.Status);
            Assert.Equal(0, s.ExitCode);
            Assert.Equal(1, s.Attempt);
            Assert.NotNull(s.StartedAt);
            Assert.True(s.StartedAt <= s.FinishedAt);
        });
        Assert.True(final.Steps[0].FinishedAt <= final.Steps[1].StartedAt, "step 2 started before step 1 ended");
        Assert.True(final.Steps[1].FinishedAt <= final.Steps[2].StartedAt, "step 3 started before step 2 ended");
        Assert.Equal(["prepared\n", "", "reported\n"], final.Steps.Select(s => s.Stdout));
        Assert.Equal("evaluated\n", final.Steps[1].Stderr);
        Assert.Equal(100, final.Percent);
        Assert.Equal(0, final.Result?.ExitCode);
        Assert.Single(final.Attempts);
    }

    [Fact]
    public async Task Dispatch_FailingMiddleStep_FailsTheActionAndSkipsTheLast()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [$"sh 'echo 1 >> {marker}'", $"sh 'echo 2 >> {marker}; exit 7'", $"sh 'echo 3 >> {marker}'"], "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(["1", "2"], Runs(marker));
        Assert.Equal([StepStatus.Succeeded, StepStatus.Failed, StepStatus.Skipped], final.Steps.Select(s => s.Status));
        Assert.Equal(7, final.Steps[1].ExitCode);
        Assert.Null(final.Steps[2].StartedAt);
        Assert.Equal(7, final.Result?.ExitCode);
        Assert.Equal(2, final.Result?.Step);
    }

    [Fact]
    public async Task Dispatch_FailingMiddleStepWithKeepGoing_RunsTheLastAndStillFails()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [$"sh 'echo 1 >> {marker}'", $"sh 'echo 2 >> {marker}; exit 7'", $"sh 'echo 3 >> {marker}'"], "tests") with { KeepGoing = true });

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal(["1", "2", "3"], Runs(marker));
        Assert.Equal([StepStatus.Succeeded, StepStatus.Failed, StepStatus.Succeeded], final.Steps.Select(s => s.Status));
        Assert.Equal(7, final.Result?.ExitCode);
        Assert.Contains("Step 2 of 3 failed", final.Result?.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_DuringStepTwo_StopsItAndSkipsTheRest()
    {
        var marker = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [$"sh 'echo 1 >> {marker}'", $"sh 'echo 2 >> {marker}; sleep 60'", $"sh 'echo 3 >> {marker}'"], "tests"));
        await fixture.Actions.UntilAsync(queued.Id, a => a.Steps is [_, { Status: StepStatus.Running }, _] && Runs(marker).Length == 2, "step 2 to run");

        await fixture.Actions.CancelAsync(queued.Id, "tests");
        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Cancelled, final.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Cancelled, StepStatus.Skipped], final.Steps.Select(s => s.Status));
        Assert.Equal(StopReason.Cancelled, final.Result?.StoppedBy);
        Assert.True(final.Steps[1].FinishedAt - final.Steps[1].StartedAt < TimeSpan.FromSeconds(30), "the running step was not stopped");
        Assert.Equal(["1", "2"], Runs(marker));
    }

    [Fact]
    public async Task Retry_FailedStep_ResumesThereWithoutRunningSucceededStepsAgain()
    {
        var marker = Marker();
        var flag = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [
                $"sh 'echo 1 >> {marker}'",
                $"sh 'echo 2 >> {marker}; if [ -e {flag} ]; then exit 0; fi; touch {flag}; exit 75'",
                $"sh 'echo 3 >> {marker}'",
            ],
            "tests") with { Retry = new RetryOverrides(MaxAttempts: 2, RetryExitCodes: [75]) });

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(["1", "2", "2", "3"], Runs(marker));
        Assert.Equal([1, 2, 2], final.Steps.Select(s => s.Attempt));
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], final.Attempts.Select(a => a.Outcome));
        Assert.Equal(75, final.Attempts[0].ExitCode);
    }

    [Fact]
    public async Task Retry_PolicyStartsOver_RunsEveryStepAgain()
    {
        var marker = Marker();
        var flag = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [$"sh 'echo 1 >> {marker}'", $"sh 'echo 2 >> {marker}; if [ -e {flag} ]; then exit 0; fi; touch {flag}; exit 75'"],
            "tests") with { Retry = new RetryOverrides(MaxAttempts: 2, RetryExitCodes: [75], StartOver: true) });

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(["1", "2", "1", "2"], Runs(marker));
        Assert.Equal([2, 2], final.Steps.Select(s => s.Attempt));
    }

    [Fact]
    public async Task Dispatch_OneUnknownStep_RefusesTheWholeActionAndStoresNothing()
    {
        var key = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => fixture.Actions.DispatchAsync(
            ActionRequest.Of(["echo fine", "nosuch --flag", "echo fine"], "tests") with { IdempotencyKey = key }));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
        Assert.StartsWith("Step 2: Unknown command 'nosuch'", error.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Actions.GetAsync(IdempotencyKeys.ActionId(key)));
    }

    [Fact]
    public async Task Dispatch_Step_GetsItsActionAttemptStepAndArtifactsFolderInItsEnvironment()
    {
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            ["echo first", "sh 'echo \"$PLEXUS_ACTION_ID $PLEXUS_ATTEMPT $PLEXUS_STEP\"; test -d \"$PLEXUS_ARTIFACTS_DIR\" && test -w \"$PLEXUS_ARTIFACTS_DIR\" && ls -A \"$PLEXUS_ARTIFACTS_DIR\" | wc -l'"],
            "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        var lines = final.Steps[1].Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{queued.Id} 1 2", lines[0]);
        Assert.Equal("0", lines[1].Trim());
    }

    [Fact]
    public async Task Report_ProgressOfAStep_IsShownUnderThatStepAndThePercentCoversAllSteps()
    {
        var gate = Marker();
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            ["echo first", $"sh 'echo \"::plexus stage=Scoring processed=5 total=10\"; while [ ! -e {gate} ]; do sleep 0.05; done'"],
            "tests"));

        var halfway = await fixture.Actions.UntilAsync(queued.Id, a => a.Steps is [_, { Stages: [{ Name: "Scoring" }] }], "step 2 to report its stage");
        await File.WriteAllTextAsync(gate, "");
        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Empty(halfway.Steps[0].Stages);
        Assert.Equal(50, halfway.Steps[1].Percent);
        Assert.Equal(75, halfway.Percent);
        Assert.Equal(StageStatus.Completed, final.Steps[1].Stages[0].Status);
        Assert.Equal(100, final.Percent);
    }
}
