using Plexus.Actions;
using Plexus.Commands;
using Plexus.Execution;

namespace Plexus.Tests.Unit;

/// <summary>The pure step decisions beside the action grain, the step rules of a request, and what a step's command knows.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ActionStepsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    private static ActionSnapshot Action(bool keepGoing = false) => new()
    {
        Id = Guid.NewGuid(),
        Status = ActionStatus.Running,
        Command = "a",
        Submitter = "tests",
        Attempt = 1,
        Steps = ActionSteps.Create(["a", "b", "c"]),
        KeepGoing = keepGoing,
    };

    private static CommandResult Result(int step, int exitCode, StopReason? stoppedBy = null) => new()
    {
        Status = exitCode == 0 && stoppedBy is null ? ResultStatus.Success : ResultStatus.Error,
        Command = ((char)('a' + step - 1)).ToString(),
        ExitCode = exitCode,
        Error = exitCode == 0 ? null : $"exit {exitCode}",
        Attempt = 1,
        Step = step,
        StartedAt = Now,
        FinishedAt = Now.AddSeconds(1),
        StoppedBy = stoppedBy,
    };

    private static ActionSnapshot Ran(ActionSnapshot action, CommandResult result) =>
        ActionSteps.Record(ActionSteps.Start(action, result.Step, 1, Now), result);

    [Fact]
    public void Next_StepSucceeded_IsTheFollowingStep()
    {
        var action = Ran(Action(), Result(1, 0));

        Assert.Equal(2, ActionSteps.Next(action, Result(1, 0)));
        Assert.Equal(StepStatus.Succeeded, action.Steps[0].Status);
    }

    [Fact]
    public void Next_StepFailedWithoutKeepGoing_IsNone()
    {
        Assert.Null(ActionSteps.Next(Ran(Action(), Result(2, 3)), Result(2, 3)));
        Assert.Equal(3, ActionSteps.Next(Ran(Action(keepGoing: true), Result(2, 3)), Result(2, 3)));
    }

    [Fact]
    public void Next_StepStoppedEvenWithKeepGoing_IsNone()
    {
        var stopped = Result(1, 143, StopReason.TimedOut);

        Assert.Null(ActionSteps.Next(Ran(Action(keepGoing: true), stopped), stopped));
        Assert.Equal(StepStatus.TimedOut, Ran(Action(), stopped).Steps[0].Status);
    }

    [Fact]
    public void Next_CancelRequested_IsNone() =>
        Assert.Null(ActionSteps.Next(Ran(Action(), Result(1, 0)) with { CancelRequestedBy = "someone" }, Result(1, 0)));

    [Fact]
    public void Reset_AfterAFailure_KeepsSucceededStepsUnlessStartingOver()
    {
        var action = Ran(Ran(Action(), Result(1, 0)), Result(2, 75));
        var finished = ActionSteps.Finish(action.Steps, ActionStatus.Retrying, null, Now);

        var resumed = action with { Steps = ActionSteps.Reset(finished, startOver: false) };
        var restarted = action with { Steps = ActionSteps.Reset(finished, startOver: true) };

        Assert.Equal([StepStatus.Succeeded, StepStatus.Pending, StepStatus.Pending], resumed.Steps.Select(s => s.Status));
        Assert.Equal(2, ActionSteps.ResumeAt(resumed));
        Assert.All(restarted.Steps, s => Assert.Equal(StepStatus.Pending, s.Status));
        Assert.Equal(1, ActionSteps.ResumeAt(restarted));
    }

    [Fact]
    public void Finish_ActionCancelledDuringAStep_CancelsItAndSkipsTheRest()
    {
        var action = ActionSteps.Start(Ran(Action(), Result(1, 0)), 2, 1, Now);

        var steps = ActionSteps.Finish(action.Steps, ActionStatus.Cancelled, null, Now);

        Assert.Equal([StepStatus.Succeeded, StepStatus.Cancelled, StepStatus.Skipped], steps.Select(s => s.Status));
    }

    [Fact]
    public void Outcome_EarlierStepFailedWithKeepGoing_IsAnErrorWithThatStepsExitCode()
    {
        var action = Ran(Ran(Ran(Action(keepGoing: true), Result(1, 0)), Result(2, 4)), Result(3, 0));

        var outcome = ActionSteps.Outcome(action, Result(3, 0));

        Assert.Equal(ResultStatus.Error, outcome.Status);
        Assert.Equal(4, outcome.ExitCode);
        Assert.Equal(2, outcome.Step);
        Assert.StartsWith("Step 2 of 3 failed (b): exit 4", outcome.Error, StringComparison.Ordinal);
        Assert.Equal("a", outcome.Command);
    }

    [Fact]
    public void Outcome_AllStepsSucceeded_IsTheLastStepsResult()
    {
        var action = Ran(Ran(Ran(Action(), Result(1, 0)), Result(2, 0)), Result(3, 0));

        Assert.True(ActionSteps.Outcome(action, Result(3, 0)).IsSuccess);
    }

    [Fact]
    public void Percent_OneOfThreeDoneAndTheSecondHalfway_IsAHalf()
    {
        var action = ActionSteps.Start(Ran(Action(), Result(1, 0)), 2, 1, Now);

        var progressed = ActionSteps.ApplyProgress(action, 2, [new Progress.ProgressUpdate("load", 5, 10, null)], Now);

        Assert.Equal(50, progressed.Steps[1].Percent);
        Assert.Equal(50, progressed.Percent);
        Assert.Empty(progressed.Steps[0].Stages);
    }

    [Fact]
    public void Record_ResultOfAnotherAttempt_ChangesNothing()
    {
        var action = ActionSteps.Start(Action(), 1, 1, Now);

        Assert.Equal(action.Steps, ActionSteps.Record(action, Result(1, 0) with { Attempt = 2 }).Steps);
    }

    [Theory]
    [InlineData(new[] { "echo a", "" }, "Step 2: The command is empty")]
    [InlineData(new[] { "echo a", "echo 'open" }, "Step 2:")]
    public void Check_OneBadStep_RefusesTheRequestNamingTheStep(string[] steps, string expected)
    {
        var error = Assert.Throws<CommandRejectedException>(() => RequestRules.Check(ActionRequest.Of(steps, "tests")));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_StepsThatDoNotStartWithTheCommand_AreRefused()
    {
        var error = Assert.Throws<PlexusException>(() => RequestRules.Check(new ActionRequest("echo a", "tests", Steps: ["echo b", "echo c"])));

        Assert.Contains("first step must be the request's command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MoreStepsThanAllowed_AreRefused()
    {
        var error = Assert.Throws<PlexusException>(() => RequestRules.Check(ActionRequest.Of([.. Enumerable.Repeat("echo a", ActionRequest.MaxSteps + 1)], "tests")));

        Assert.Contains($"at most {ActionRequest.MaxSteps} steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForStep_EntryThatSetsAPlexusVariable_CannotOverrideIt()
    {
        var id = Guid.NewGuid();
        var spec = new ProcessSpec("/bin/true", [], null, new Dictionary<string, string> { ["PLEXUS_STEP"] = "forged", ["MODEL"] = "m" });

        var environment = CommandEnvironment.For(CommandEnvironment.ForStep(spec, id, 2, 3, "/tmp/a"), new Dictionary<string, string>());

        Assert.Equal(id.ToString(), environment["PLEXUS_ACTION_ID"]);
        Assert.Equal("2", environment["PLEXUS_ATTEMPT"]);
        Assert.Equal("3", environment["PLEXUS_STEP"]);
        Assert.Equal("/tmp/a", environment["PLEXUS_ARTIFACTS_DIR"]);
        Assert.Equal("m", environment["MODEL"]);
    }
}
