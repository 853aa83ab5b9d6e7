using System.Text;
using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>Files a step writes under <c>$PLEXUS_ARTIFACTS_DIR</c>, kept with the action in the data folder: on success, failure and cancel.</summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ArtifactTests(ClusterFixture fixture)
{
    private async Task<string> ReadAsync(Guid id, string name, int? attempt = null)
    {
        using var content = new MemoryStream();
        await fixture.Actions.DownloadArtifactAsync(id, name, attempt, content);
        return Encoding.UTF8.GetString(content.ToArray());
    }

    [Fact]
    public async Task Dispatch_StepsThatWriteArtifacts_KeepThemListedWithStepAndAttempt()
    {
        var queued = await fixture.Actions.DispatchAsync(ActionRequest.Of(
            [
                "sh 'mkdir -p \"$PLEXUS_ARTIFACTS_DIR/plots\"; echo prepared > \"$PLEXUS_ARTIFACTS_DIR/plots/data.csv\"'",
                "sh 'echo \"{\\\"accuracy\\\": 0.9}\" > \"$PLEXUS_ARTIFACTS_DIR/metrics.json\"'",
            ],
            "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal([("plots/data.csv", 1, 1), ("metrics.json", 2, 1)], final.Artifacts.Select(a => (a.Name, a.Step, a.Attempt)));
        Assert.Equal("prepared\n", await ReadAsync(queued.Id, "plots/data.csv"));
        Assert.Equal("{\"accuracy\": 0.9}\n", await ReadAsync(queued.Id, "metrics.json"));
        Assert.Equal(9, final.Artifacts[0].Size);
    }

    [Fact]
    public async Task Dispatch_FailingStep_StillKeepsWhatItWrote()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("sh 'echo partial > \"$PLEXUS_ARTIFACTS_DIR/log.txt\"; exit 4'", "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        Assert.Equal("log.txt", Assert.Single(final.Artifacts).Name);
        Assert.Equal("partial\n", await ReadAsync(queued.Id, "log.txt"));
    }

    [Fact]
    public async Task Cancel_RunningStep_StillKeepsWhatItWrote()
    {
        var written = Path.Combine(fixture.WorkDir, Guid.NewGuid().ToString("N"));
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest($"sh 'echo so-far > \"$PLEXUS_ARTIFACTS_DIR/progress.txt\"; touch {written}; sleep 60'", "tests"));
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(written)), exists => exists, TimeSpan.FromSeconds(30), "the step to write its artifact");

        await fixture.Actions.CancelAsync(queued.Id, "tests");
        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Cancelled, final.Status);
        Assert.Equal("progress.txt", Assert.Single(final.Artifacts).Name);
        Assert.Equal("so-far\n", await ReadAsync(queued.Id, "progress.txt"));
    }

    [Fact]
    public async Task Retry_EachAttempt_KeepsItsOwnSet()
    {
        var flag = Path.Combine(fixture.WorkDir, Guid.NewGuid().ToString("N"));
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'echo \"attempt $PLEXUS_ATTEMPT\" > \"$PLEXUS_ARTIFACTS_DIR/out.txt\"; if [ -e {flag} ]; then exit 0; fi; touch {flag}; exit 75'",
            "tests", Retry: new RetryOverrides(MaxAttempts: 2, RetryExitCodes: [75])));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Equal([1, 2], final.Artifacts.Select(a => a.Attempt));
        Assert.Equal("attempt 1\n", await ReadAsync(queued.Id, "out.txt", attempt: 1));
        Assert.Equal("attempt 2\n", await ReadAsync(queued.Id, "out.txt"));
    }

    [Fact]
    public async Task Dispatch_SymlinkToEtcPasswd_IsNotKeptAndTheStepSaysWhy()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("sh 'ln -s /etc/passwd \"$PLEXUS_ARTIFACTS_DIR/passwd\"'", "tests"));

        var final = await fixture.Actions.FinalAsync(queued.Id);

        Assert.Empty(final.Artifacts);
        var refused = Assert.Single(final.Steps[0].ArtifactsRefused);
        Assert.Equal("passwd", refused.Name);
        Assert.Contains("not followed", refused.Reason, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<PlexusException>(() => fixture.Actions.ReadArtifactAsync(queued.Id, "passwd", null, 0, 100));
        Assert.Contains("has no artifacts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadArtifact_HostileName_IsRefusedWithTheReason()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("echo x", "tests"));
        await fixture.Actions.FinalAsync(queued.Id);

        var error = await Assert.ThrowsAsync<PlexusException>(() => fixture.Actions.ReadArtifactAsync(queued.Id, "../x", null, 0, 100));

        Assert.Contains("cannot leave the artifacts folder", error.Message, StringComparison.Ordinal);
    }
}
