using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Plexus.Commands;
using Plexus.Execution;

namespace Plexus.Actions;

/// <summary>
/// One action. Every change of its state goes through <see cref="TransitionAsync"/>, a compare-and-set on
/// the current status and attempt, so a duplicate or late message can never move it backwards or start it twice.
/// </summary>
public sealed partial class ActionGrain(
    [PersistentState("action", ActionGrain.StorageName)] IPersistentState<ActionSnapshot> state,
    CommandCatalog catalog,
    TimeProvider time,
    ILogger<ActionGrain> logger) : Grain, IActionGrain
{
    /// <summary>The name of the grain storage that holds actions.</summary>
    public const string StorageName = "actions";

    // The longest a single WaitForFinal call blocks; well under the default 30 s response timeout.
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(20);

    // Which status may follow which; anything else is refused by TransitionAsync.
    private static readonly Dictionary<ActionStatus, ActionStatus[]> AllowedTransitions = new()
    {
        [ActionStatus.Queued] = [ActionStatus.Running, ActionStatus.Cancelled, ActionStatus.Expired],
        [ActionStatus.Running] = [ActionStatus.Succeeded, ActionStatus.Failed, ActionStatus.Cancelled, ActionStatus.TimedOut, ActionStatus.Retrying],
        [ActionStatus.Retrying] = [ActionStatus.Queued, ActionStatus.Cancelled, ActionStatus.Failed],
    };

    private TaskCompletionSource<ActionSnapshot>? _finished;

    private Guid Id => this.GetPrimaryKey();

    /// <inheritdoc />
    public async Task<ActionSnapshot> SubmitAsync(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.RecordExists)
        {
            throw new PlexusException($"Action {Id} already exists; dispatch with a new id.");
        }

        catalog.Validate(request.Command);
        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new PlexusException($"The timeout must be positive; it is {timeout.TotalSeconds} s.");
        }

        state.State = new ActionSnapshot
        {
            Id = Id,
            Status = ActionStatus.Queued,
            Command = request.Command,
            Submitter = request.Submitter,
            Timeout = request.Timeout,
            Attempt = 1,
            QueuedAt = time.GetUtcNow(),
            Version = 1,
        };
        await state.WriteStateAsync();
        LogQueued(Id, request.Command, request.Submitter);

        await CommandStreams.PublishAsync(this.GetStreamProvider(CommandStreams.ProviderName), new CommandEnvelope(Id, 1));
        return state.State;
    }

    /// <inheritdoc />
    public Task<ActionSnapshot?> GetAsync() => Task.FromResult(Current);

    /// <inheritdoc />
    public async Task<ActionSnapshot?> WaitForFinalAsync(TimeSpan maxWait)
    {
        if (Current is not { } current || current.Status.IsFinal())
        {
            return Current;
        }

        _finished ??= new TaskCompletionSource<ActionSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = maxWait < MaxLongPoll ? maxWait : MaxLongPoll;
        await Task.WhenAny(_finished.Task, Task.Delay(wait, time));
        return Current;
    }

    /// <inheritdoc />
    public async Task<ActionSnapshot?> TryStartAsync(int attempt, WorkerInfo worker)
    {
        var started = await TransitionAsync(
            ActionStatus.Running,
            current => current.Attempt == attempt,
            current => current with { StartedAt = time.GetUtcNow(), Worker = worker });
        if (!started)
        {
            LogStartRefused(Id, attempt, worker.Silo, Current?.Status);
        }

        return started ? state.State : null;
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return TransitionAsync(
            result.IsSuccess ? ActionStatus.Succeeded : ActionStatus.Failed,
            current => current.Attempt == result.Attempt,
            current => current with { Result = result, FinishedAt = time.GetUtcNow() });
    }

    private ActionSnapshot? Current => state.RecordExists ? state.State : null;

    /// <summary>
    /// The one way the state changes: moves to <paramref name="to"/> only when that transition is allowed from
    /// the current status and <paramref name="precondition"/> holds, then persists before anyone is told.
    /// </summary>
    private async Task<bool> TransitionAsync(
        ActionStatus to, Func<ActionSnapshot, bool> precondition, Func<ActionSnapshot, ActionSnapshot> change)
    {
        if (Current is not { } current
            || !AllowedTransitions.TryGetValue(current.Status, out var next)
            || !next.Contains(to)
            || !precondition(current))
        {
            return false;
        }

        state.State = change(current) with { Status = to, Version = current.Version + 1 };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing changed unless it was stored: callers may retry the same transition.
            state.State = current;
            throw;
        }

        LogTransition(Id, current.Status, to, state.State.Attempt);
        if (to.IsFinal())
        {
            _finished?.TrySetResult(state.State);
        }

        return true;
    }
}
