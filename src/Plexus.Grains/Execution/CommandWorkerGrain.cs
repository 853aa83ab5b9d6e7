using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;
using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>
/// Consumes the command streams. A stateless worker activates on the silo that pulls the stream, so the
/// envelopes are run by that silo's <see cref="WorkerPool"/>; the grain only admits them and returns at
/// once, so a long command never holds up the stream.
/// </summary>
[StatelessWorker]
[RegexImplicitStreamSubscription(CommandStreams.NamespacePattern)]
public sealed class CommandWorkerGrain(WorkerPool pool) : Grain, ICommandWorkerGrain, IStreamSubscriptionObserver, IAsyncObserver<CommandEnvelope>
{
    /// <inheritdoc />
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<CommandEnvelope>().ResumeAsync(this);

    /// <inheritdoc />
    public Task OnNextAsync(CommandEnvelope item, StreamSequenceToken? token = null)
    {
        pool.Enqueue(item);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
