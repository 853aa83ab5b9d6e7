using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Utilities;
using Plexus.Execution;

namespace Plexus.Actions;

/// <summary>
/// One action. Every change of its status goes through <see cref="TransitionAsync"/>, a compare-and-set on
/// the current status and attempt, so a duplicate or late message can never move it backwards or start it twice.
/// </summary>
public sealed partial class ActionGrain(
    [PersistentState("action", ActionGrain.StorageName)] IPersistentState<ActionSnapshot> state,
    Commands.CommandCatalog catalog,
    TimeProvider time,
    ILogger<ActionGrain> logger) : Grain, IActionGrain
{
    /// <summary>The name of the grain storage that holds actions.</summary>
    public const string StorageName = "actions";

    /// <summary>How long a watcher's subscription lasts unless renewed.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);

    // The longest a single WaitForFinal call blocks; well under the default 30 s response timeout.
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(20);

    // Progress is pushed live on every report but stored at most this often; stage changes and outcomes at once.
    private static readonly TimeSpan ProgressPersistInterval = TimeSpan.FromSeconds(2);

    // The recent output a new watcher of a running action is shown first (memory only).
    private const int RecentOutputChars = 64 * 1024;

    // Which status may follow which; anything else is refused by TransitionAsync.
    private static readonly Dictionary<ActionStatus, ActionStatus[]> AllowedTransitions = new()
    {
        [ActionStatus.Queued] = [ActionStatus.Running, ActionStatus.Cancelled, ActionStatus.Expired],
        [ActionStatus.Running] = [ActionStatus.Succeeded, ActionStatus.Failed, ActionStatus.Cancelled, ActionStatus.TimedOut, ActionStatus.Retrying],
        [ActionStatus.Retrying] = [ActionStatus.Queued, ActionStatus.Cancelled, ActionStatus.Failed],
    };

    private readonly ObserverManager<IActionObserver> _observers = new(SubscriptionLifetime, logger);
    private readonly List<OutputChunk> _recentOutput = [];
    private int _recentOutputChars;
    private TaskCompletionSource<ActionSnapshot>? _finished;
    private IAttemptControl? _control;
    private IGrainTimer? _expiry;
    private DateTimeOffset _lastPersisted;

    private Guid Id => this.GetPrimaryKey();

    private ActionSnapshot? Current => state.RecordExists ? state.State : null;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleExpiry();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ActionSnapshot> SubmitAsync(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.RecordExists)
        {
            throw new PlexusException($"Action {Id} already exists; dispatch with a new id.");
        }

        catalog.Validate(request.Command);
        RequirePositive(request.Timeout, "timeout");
        RequirePositive(request.Expires, "queue deadline (expires)");
        var now = time.GetUtcNow();
        state.State = new ActionSnapshot
        {
            Id = Id,
            Status = ActionStatus.Queued,
            Command = request.Command,
            Submitter = request.Submitter,
            Timeout = request.Timeout,
            ExpiresAt = now + request.Expires,
            Attempt = 1,
            QueuedAt = now,
            Version = 1,
        };
        await state.WriteStateAsync();
        LogQueued(Id, request.Command, request.Submitter);
        ScheduleExpiry();

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
    public async Task<ActionSnapshot?> TryStartAsync(int attempt, WorkerInfo worker, IAttemptControl control)
    {
        if (Current is { Status: ActionStatus.Queued, ExpiresAt: { } expiresAt } && time.GetUtcNow() >= expiresAt)
        {
            await ExpireAsync();
        }

        var started = await TransitionAsync(
            ActionStatus.Running,
            current => current.Attempt == attempt,
            current => current with { StartedAt = time.GetUtcNow(), Worker = worker });
        if (!started)
        {
            LogStartRefused(Id, attempt, worker.Silo, Current?.Status);
            return null;
        }

        _control = control;
        return state.State;
    }

    /// <inheritdoc />
    public async Task<bool> ReportAsync(AttemptReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Current is not { Status: ActionStatus.Running } current || current.Attempt != report.Attempt)
        {
            return false;
        }

        foreach (var chunk in report.Output)
        {
            RememberOutput(chunk);
            _observers.Notify(o => o.OnOutput(chunk));
        }

        if (report.Progress.Count > 0)
        {
            var next = Stages.Apply(current, report.Progress, time.GetUtcNow()) with { Version = current.Version + 1 };
            state.State = next;
            _observers.Notify(o => o.OnChanged(next));
            if (next.Stages.Count != current.Stages.Count || time.GetUtcNow() - _lastPersisted >= ProgressPersistInterval)
            {
                await PersistAsync();
            }
        }

        return current.CancelRequestedBy is null;
    }

    /// <inheritdoc />
    public async Task<CancelResult> CancelAsync(string requestedBy)
    {
        switch (Current)
        {
            case null:
                throw new ActionNotFoundException(Id);
            case { Status: var status } final when status.IsFinal():
                return new CancelResult(false, $"Action {Id} already ended {status}; nothing to cancel.", final);
            case { CancelRequestedBy: { } earlier } running when running.Status == ActionStatus.Running:
                _control?.Stop(StopReason.Cancelled);
                return new CancelResult(true, $"Cancel already requested by {earlier}; the command is being stopped.", running);
        }

        if (await TransitionAsync(ActionStatus.Cancelled, current => current.Status == ActionStatus.Queued, current => current with { CancelRequestedBy = requestedBy, FinishedAt = time.GetUtcNow() }))
        {
            return new CancelResult(true, $"Action {Id} cancelled before it started; it will not run.", state.State);
        }

        // Running: the worker stops the process tree and reports; the action then ends Cancelled.
        state.State = state.State with { CancelRequestedBy = requestedBy, Version = state.State.Version + 1 };
        await PersistAsync();
        _observers.Notify(o => o.OnChanged(state.State));
        _control?.Stop(StopReason.Cancelled);
        LogCancelRequested(Id, requestedBy);
        return new CancelResult(true, $"Action {Id} is running; its command is being stopped.", state.State);
    }

    /// <inheritdoc />
    public Task<ActionSnapshot?> SubscribeAsync(IActionObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var renewal = _observers.Any(o => o.Equals(observer));
        _observers.Subscribe(observer, observer);
        if (!renewal && Current is { Status: ActionStatus.Running })
        {
            foreach (var chunk in _recentOutput)
            {
                observer.OnOutput(chunk);
            }
        }

        return Task.FromResult(Current);
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IActionObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = result.StoppedBy switch
        {
            StopReason.Cancelled => ActionStatus.Cancelled,
            StopReason.TimedOut => ActionStatus.TimedOut,
            _ => result.IsSuccess ? ActionStatus.Succeeded : ActionStatus.Failed,
        };
        return TransitionAsync(
            outcome,
            current => current.Attempt == result.Attempt,
            current => Stages.Finish(current, outcome == ActionStatus.Succeeded, time.GetUtcNow()) with { Result = result, FinishedAt = time.GetUtcNow() });
    }

    /// <summary>
    /// The one way the status changes: moves to <paramref name="to"/> only when that transition is allowed from
    /// the current status and <paramref name="precondition"/> holds, persists, then tells the watchers.
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
            await PersistAsync();
        }
        catch
        {
            // Nothing changed unless it was stored: callers may retry the same transition.
            state.State = current;
            throw;
        }

        LogTransition(Id, current.Status, to, state.State.Attempt);
        _observers.Notify(o => o.OnChanged(state.State));
        if (to.IsFinal())
        {
            _finished?.TrySetResult(state.State);
            _control = null;
            _expiry?.Dispose();
            _recentOutput.Clear();
        }

        return true;
    }

    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        _lastPersisted = time.GetUtcNow();
    }

    private Task ExpireAsync() =>
        TransitionAsync(ActionStatus.Expired, _ => true, current => current with { FinishedAt = time.GetUtcNow() });

    // A queued action with a deadline ends Expired when the deadline passes, even if no worker ever asks for it.
    private void ScheduleExpiry()
    {
        if (Current is not { Status: ActionStatus.Queued, ExpiresAt: { } expiresAt })
        {
            return;
        }

        var due = expiresAt - time.GetUtcNow();
        _expiry?.Dispose();
        _expiry = this.RegisterGrainTimer(
            ExpireAsync,
            new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void RememberOutput(OutputChunk chunk)
    {
        _recentOutput.Add(chunk);
        _recentOutputChars += chunk.Text.Length;
        while (_recentOutputChars > RecentOutputChars && _recentOutput.Count > 1)
        {
            _recentOutputChars -= _recentOutput[0].Text.Length;
            _recentOutput.RemoveAt(0);
        }
    }

    private static void RequirePositive(TimeSpan? value, string what)
    {
        if (value is { } span && span <= TimeSpan.Zero)
        {
            throw new PlexusException($"The {what} must be positive; it is {span.TotalSeconds} s.");
        }
    }
}
