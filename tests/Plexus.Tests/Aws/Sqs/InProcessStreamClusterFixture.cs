namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// The stream cluster on a provider whose queues live in the silos' memory: a dequeue removes what it hands out and
/// nothing is offered twice, so there is nothing to wait for once the consumers received every event.
/// </summary>
public abstract class InProcessStreamClusterFixture : StreamClusterFixture
{
    public override TimeSpan VisibilityTimeout => SqsClusterFixture.DefaultVisibilityTimeout;

    public override Task WaitUntilDrainedAsync(TimeSpan timeout) => Task.CompletedTask;
}
