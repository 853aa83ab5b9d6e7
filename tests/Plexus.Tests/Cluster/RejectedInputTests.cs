using CsCheck;
using Plexus.Actions;
using Plexus.Tests.Unit;

namespace Plexus.Tests.Cluster;

/// <summary>
/// Every request the rules refuse, sent straight to an action grain (past the client library's own check, as a
/// hand-made client would): refused with a <see cref="PlexusException"/>, and no action is left behind.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class RejectedInputTests(ClusterFixture fixture)
{
    [Fact]
    public async Task SubmitAsync_AnyRefusedRequest_LeavesNoAction()
    {
        var refused = InputPropertyTests.Requests.Where(IsRefused);

        await refused.SampleAsync(async request =>
        {
            var id = request.IdempotencyKey is { } key && IdempotencyKeys.Problem(key) is null ? IdempotencyKeys.ActionId(key) : Guid.CreateVersion7();
            var grain = fixture.Cluster.Client.GetGrain<IActionGrain>(id);

            await Assert.ThrowsAnyAsync<PlexusException>(() => grain.SubmitAsync(request));

            Assert.Null(await grain.GetAsync());
        }, iter: 200, threads: 1);
    }

    [Fact]
    public async Task SubmitAsync_RejectedQueue_RefusedNamingTheRuleAndLeavesNoAction()
    {
        await QueueNamePropertyTests.Rejected.SampleAsync(async queue =>
        {
            var grain = fixture.Cluster.Client.GetGrain<IActionGrain>(Guid.CreateVersion7());

            var refused = await Assert.ThrowsAnyAsync<PlexusException>(() => grain.SubmitAsync(new ActionRequest("echo hi", "tests", Queue: queue)));

            Assert.Equal(Queues.QueueNames.Problem(queue), refused.Message);
            Assert.Null(await grain.GetAsync());
        }, iter: 100, threads: 1);
    }

    private static bool IsRefused(ActionRequest request)
    {
        try
        {
            RequestRules.Check(request);

            // Accepted by the rules: refused only if the test catalog does not know the command.
            return Commands.CommandText.Split(request.Command)[0] is not ("echo" or "demo" or "missing" or "sh");
        }
        catch (PlexusException)
        {
            return true;
        }
    }
}
