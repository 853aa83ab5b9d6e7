using Plexus.Actions;
using Plexus.Progress;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class StagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static ActionSnapshot Running => new() { Id = Guid.NewGuid(), Status = ActionStatus.Running, Command = "demo", Submitter = "tests", Attempt = 1 };

    [Fact]
    public void Apply_OneBatchOfStampedUpdates_TimesStagesByWhenEachLineWasRead()
    {
        var updates = new[]
        {
            new ProgressUpdate("Setup", null, null, null, T0),
            new ProgressUpdate("Processing", 0, 10, null, T0.AddSeconds(0.2)),
            new ProgressUpdate("Processing", 10, 10, null, T0.AddSeconds(1.2)),
            new ProgressUpdate("Analysis", null, null, null, T0.AddSeconds(1.3)),
        };

        // The whole batch reaches the grain at once, later than any line was read.
        var action = Stages.Apply(Running, updates, now: T0.AddSeconds(5));

        Assert.Equal([T0, T0.AddSeconds(0.2), T0.AddSeconds(1.3)], action.Stages.Select(s => s.StartedAt));
        Assert.Equal([T0.AddSeconds(0.2), T0.AddSeconds(1.3), null], action.Stages.Select(s => s.CompletedAt));
    }

    [Fact]
    public void Apply_UpdateWithoutTime_UsesNow()
    {
        var action = Stages.Apply(Running, [new ProgressUpdate("Setup", null, null, null)], now: T0);

        Assert.Equal(T0, Assert.Single(action.Stages).StartedAt);
    }

    [Fact]
    public void Finish_Succeeded_Is100PercentWithTheLastStageCompleted()
    {
        var running = Stages.Apply(Running, [new ProgressUpdate("Processing", 3, 10, null, T0)], now: T0);

        var finished = Stages.Finish(running, succeeded: true, T0.AddSeconds(1));

        Assert.Equal(100, finished.Percent);
        Assert.Null(finished.EstimatedCompletion);
        var last = Assert.Single(finished.Stages);
        Assert.Equal(StageStatus.Completed, last.Status);
        Assert.Equal(T0.AddSeconds(1), last.CompletedAt);
    }

    [Fact]
    public void Finish_SucceededWithoutStages_Is100Percent() =>
        Assert.Equal(100, Stages.Finish(Running, succeeded: true, T0).Percent);

    [Fact]
    public void Finish_Failed_KeepsThePercentReachedAndFailsTheStage()
    {
        var running = Stages.Apply(Running, [new ProgressUpdate("Processing", 3, 10, null, T0)], now: T0);

        var finished = Stages.Finish(running, succeeded: false, T0.AddSeconds(1));

        Assert.Equal(30, finished.Percent!.Value, precision: 6);
        Assert.Equal(StageStatus.Failed, Assert.Single(finished.Stages).Status);
    }
}
