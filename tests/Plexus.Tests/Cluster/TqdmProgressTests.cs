using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>A command that knows nothing of Plexus but draws a tqdm bar gets stages, percent and ETA.</summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class TqdmProgressTests(ClusterFixture fixture)
{
    // What tqdm writes to a pipe for `for x in tqdm(range(10), desc="Evaluating")` (to stderr, redrawn with "\r"),
    // slowed down so the worker's reports carry several steps apart.
    private const string Script = """
        printf 'Loading model...\n'
        printf '\rEvaluating:   0%%|          | 0/10 [00:00<?, ?it/s]' >&2
        for i in 1 2 3 4 5 6 7 8 9 10; do
          sleep 0.15
          filled=$(printf '%*s' "$i" '' | sed 's/ /█/g')
          printf '\rEvaluating: %3d%%|%-10s| %d/10 [00:0%d<00:01,  6.60it/s, loss=0.%d]' "$((i * 10))" "$filled" "$i" "$((i / 7))" "$((99 - i))" >&2
        done
        printf '\n' >&2
        printf 'accuracy: 0.93\n'
        """;

    [Fact]
    public async Task Dispatch_CommandDrawingATqdmBar_ReportsStageProgressLive()
    {
        var script = Path.Combine(fixture.WorkDir, $"tqdm-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, Script);
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest($"sh 'sh {script}'", "tests"));
        var processed = new List<long>();
        var percents = new List<double>();
        var sawEstimate = false;
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);

        await foreach (var item in fixture.Actions.WatchAsync(queued.Id, timeout.Token))
        {
            if (item.Action is { Stages: [.., { Name: "Evaluating" } stage] } action && stage.Processed is { } done)
            {
                processed.Add(done);
                percents.AddRange(action.Percent is { } percent ? [percent] : []);
                sawEstimate |= action.EstimatedCompletion is not null;
            }
        }

        var final = await fixture.Actions.GetAsync(queued.Id);
        Assert.Equal(ActionStatus.Succeeded, final!.Status);
        var evaluating = Assert.Single(final.Stages);
        Assert.Equal(("Evaluating", 10L, 10L, StageStatus.Completed), (evaluating.Name, evaluating.Processed, evaluating.Total, evaluating.Status));
        Assert.True(processed.Distinct().Count() >= 3, $"saw Evaluating counts {string.Join(",", processed)}");
        Assert.Equal(processed.Order().ToList(), processed);
        Assert.Equal(percents.Order().ToList(), percents);
        Assert.True(sawEstimate, "expected an ETA once the stage was at least 10% done");
        Assert.Equal("Loading model...\naccuracy: 0.93\n", final.Result?.Stdout);
    }
}
