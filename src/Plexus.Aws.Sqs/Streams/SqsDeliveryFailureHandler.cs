using Orleans.Runtime;
using Orleans.Streams;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// When the pulling agent gives up delivering an event, lets its SQS message go (instead of holding it forever)
/// so SQS offers it again and its redrive policy moves it to the dead-letter queue after the receive limit.
/// </summary>
internal sealed class SqsDeliveryFailureHandler(Func<SqsQueueReceiver?> receiver) : IStreamFailureHandler
{
    /// <inheritdoc />
    public bool ShouldFaultSubsriptionOnError => false;

    /// <inheritdoc />
    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        receiver()?.ReleaseFailed(sequenceToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
