using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>Stage times through a real worker: when the command printed its lines, not when their report arrived.</summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class StageTimingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Dispatch_Demo_StagesLastAsLongAsTheCommandSpentInThemAndSuccessIs100Percent()
    {
        // The demo spends 0.2 s in Setup, 1 ms per item in Processing and 0.2 s in Analysis. A stalled machine only
        // makes them longer, so lower bounds at about half of each hold under any load.
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("demo --items 400", "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(100, final.Percent);
        Assert.Equal(["Setup", "Processing", "Analysis"], final.Stages.Select(s => s.Name));
        Assert.All(final.Stages, s => Assert.Equal(StageStatus.Completed, s.Status));
        var lasted = final.Stages.ToDictionary(s => s.Name, s => (s.CompletedAt!.Value - s.StartedAt).TotalSeconds);
        Assert.True(lasted["Setup"] >= 0.1, $"Setup lasted {lasted["Setup"]} s.");
        Assert.True(lasted["Processing"] >= 0.2, $"Processing lasted {lasted["Processing"]} s.");
        Assert.True(lasted["Analysis"] >= 0.1, $"Analysis lasted {lasted["Analysis"]} s.");
    }
}
