using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Utilities;
using Plexus.Artifacts;
using Plexus.Audit;
using Plexus.Commands;
using Plexus.Diagnostics;
using Plexus.Execution;
using Plexus.Queries;
using Plexus.Security;

namespace Plexus.Actions;

/// <summary>
/// One action. Every change of its status goes through <see cref="TransitionAsync"/>, a compare-and-set on
/// the current status and attempt, so a duplicate or late message can never move it backwards or start it twice;
/// every change of its document, status or not, goes through <see cref="UpdateAsync"/>, which stores it or
/// changes nothing.
/// </summary>
/// <remarks>
/// Recovery: the worker running an attempt holds a lease that its reports renew. While the action is not
/// final the silos' <see cref="RecoverySweep"/> wakes the grain even after its silo died (a durable reminder does
/// while its index entry is behind, or without an index); a lapsed lease then counts as a lost worker and the
/// retry policy decides between a new attempt and failing, and a queued action whose envelope may have been lost
/// with a silo is published again.
/// <para>
/// Memory: an action that nobody follows leaves memory while it is queued and once it is final (see
/// <see cref="DeactivateWhenUnwatched"/>); a worker, a watcher, a reader or the recovery sweep brings it back.
/// </para>
/// </remarks>
public sealed partial class ActionGrain(
    [PersistentState("action", ActionGrain.StorageName)] IPersistentState<ActionSnapshot> state,
    CommandCatalog catalog,
    IActionIndex index,
    AuditTrail audit,
    IArtifactStore artifacts,
    IOptions<ExecutionOptions> options,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    SiloQueues queues,
    PlexusMetrics metrics,
    TimeProvider time,
    ILogger<ActionGrain> logger) : Grain, IActionGrain, IActionWorkerGrain, IActionRetentionGrain, IActionRecoveryGrain, IRemindable
{
    /// <summary>The name of the grain storage that holds actions.</summary>
    public const string StorageName = "actions";

    // The longest a single WaitForFinal call blocks; well under the default 30 s response timeout.
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(20);

    // Progress is pushed live on every report but stored at most this often; stage changes and outcomes at once.
    private static readonly TimeSpan ProgressPersistInterval = TimeSpan.FromSeconds(2);

    // The durable reminder that wakes an unfinished action the recovery sweep might not find (see NeedsReminder).
    private const string RecoveryReminder = "recovery";

    // A queued action is published again after a recovery interval, then after doubling waits up to this, so a
    // long queue does not fill with duplicates (which are harmless: only one delivery can start an attempt).
    private static readonly TimeSpan MaxRepublishWait = TimeSpan.FromMinutes(30);

    // Which status may follow which; anything else is refused by TransitionAsync.
    private static readonly Dictionary<ActionStatus, ActionStatus[]> AllowedTransitions = new()
    {
        [ActionStatus.Queued] = [ActionStatus.Running, ActionStatus.Cancelled, ActionStatus.Expired],
        [ActionStatus.Running] = [ActionStatus.Succeeded, ActionStatus.Failed, ActionStatus.Cancelled, ActionStatus.TimedOut, ActionStatus.Retrying],
        [ActionStatus.Retrying] = [ActionStatus.Queued, ActionStatus.Cancelled],
    };

    private readonly ObserverManager<IActionObserver> _observers = new(options.Value.SubscriptionLifetime, logger);
    private readonly RecentOutput _recentOutput = new();
    private TaskCompletionSource<ActionSnapshot>? _finished;
    private IAttemptControl? _control;
    private IGrainTimer? _check;
    private DateTimeOffset _lastPersisted;
    private DateTimeOffset _leaseExpiresAt;
    private int _longPolls;

    // The recovery reminder as registered by this activation; a later activation looks it up instead.
    private IGrainReminder? _recovery;

    // Whether the recovery reminder is known to exist: registered here, or it woke this activation.
    private bool _hasRecovery;

    // Whether the last index update failed: the recovery reminder then stays until the entry is caught up.
    private bool _indexBehind;

    // The recovery sweep finds unfinished actions through the index: one whose entry may be behind (or a silo without
    // an index) needs a reminder of its own.
    private bool NeedsReminder => _indexBehind || index is NoActionIndex;

    private Guid Id => this.GetPrimaryKey();

    private ActionSnapshot? Current => state.RecordExists ? state.State : null;

    private ExecutionOptions Options => options.Value;

    // The queue an action's metrics are tagged with.
    private string Queue => Current?.Queue ?? Queues.QueueNames.Default;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The lease lives in memory: a fresh activation gives a worker that is still alive a whole lease to reach it.
        _leaseExpiresAt = time.GetUtcNow() + Options.LeaseDuration;

        // A silo that died between storing a change and indexing it left the entry behind: the first check catches up.
        _indexBehind = Current is { Status: var status } && !status.IsFinal();
        ScheduleCheck();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ActionSnapshot> SubmitAsync(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The authenticated caller is the submitter; the name in the request counts only without API keys.
        var caller = Callers.Current();
        request = request with { Submitter = caller.NameOr(request.Submitter) };
        RetryPolicy retry;
        try
        {
            if (Current is { } existing)
            {
                return ActionRequests.SameIdempotentRequest(existing, request);
            }

            retry = ActionRequests.Validate(request, Id, catalog, Options.Retry);
            if (caller is not null)
            {
                foreach (var command in request.Commands)
                {
                    catalog.Authorize(command, caller);
                }
            }

            await RequireQueueRoomAsync(request.Submitter);
        }
        catch (PlexusException refused)
        {
            await audit.WriteAsync(audit.Entry(Id, AuditOperation.Dispatch, AuditOutcome.Refused, refused.Message, request.Submitter));
            throw;
        }

        var now = time.GetUtcNow();
        await UpdateAsync(_ => Audited(new ActionSnapshot
        {
            Id = Id,
            Status = ActionStatus.Queued,
            Command = request.Command,
            Submitter = request.Submitter,
            Timeout = request.Timeout,
            ExpiresAt = now + request.Expires,
            Attempt = 1,
            QueuedAt = now,
            Retry = retry,
            Retention = request.Retention ?? Options.Retention,
            IdempotencyKey = request.IdempotencyKey,
            Queue = Queues.QueueNames.Require(request.Queue),
            Limits = request.Limits,
            Steps = ActionSteps.Create(request.Commands),
            KeepGoing = request.KeepGoing,
            Published = Publication(now, republished: 0),
        }, AuditOperation.Dispatch, request.Command, request.Submitter));
        LogQueued(Id, request.Command, request.Submitter);
        metrics.ActionDispatched(Queue);
        if (NeedsReminder)
        {
            await RegisterRecoveryAsync();
        }

        ScheduleCheck();
        await PublishAsync(1);
        DeactivateWhenUnwatched();
        return state.State;
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RecoveryReminder)
        {
            return Task.CompletedTask;
        }

        _hasRecovery = true;
        return CheckAsync();
    }

    /// <inheritdoc />
    public Task RecoverAsync() => CheckAsync();

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
        _longPolls++;
        try
        {
            // WaitAsync ends its timer with the wait; a Task.Delay raced against it would outlive it by up to 20 s.
            await _finished.Task.WaitAsync(wait, time);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            _longPolls--;
            DeactivateWhenUnwatched();
        }

        return Current;
    }

    /// <inheritdoc />
    public async Task<ActionSnapshot?> TryStartAsync(int attempt, WorkerInfo worker, IAttemptControl control)
    {
        if (PastQueueDeadline(time.GetUtcNow()))
        {
            await ExpireAsync();
        }

        // A retry waits from when it was queued again, the first attempt from the dispatch.
        var queuedSince = Current is { } waiting ? waiting.Published?.At ?? waiting.QueuedAt : default;
        var started = await TransitionAsync(
            ActionStatus.Running,
            current => current.Attempt == attempt,
            current => ActionSteps.Start(current with { StartedAt = time.GetUtcNow(), Worker = worker }, ActionSteps.ResumeAt(current), attempt, time.GetUtcNow()));
        if (!started)
        {
            LogStartRefused(Id, attempt, worker.Silo, Current?.Status);
            return null;
        }

        _control = control;
        _leaseExpiresAt = time.GetUtcNow() + Options.LeaseDuration;
        metrics.QueueWaited(time.GetUtcNow() - queuedSince, Queue);
        ScheduleCheck();
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

        // Every report, empty ones included, renews the worker's lease.
        _leaseExpiresAt = time.GetUtcNow() + Options.LeaseDuration;
        metrics.LeaseRenewed();

        foreach (var chunk in report.Output)
        {
            _recentOutput.Add(chunk);
            _observers.Notify(o => o.OnOutput(chunk));
        }

        if (report.Progress.Count > 0)
        {
            var next = ActionSteps.ApplyProgress(Stages.Apply(current, report.Progress, time.GetUtcNow()), report.Step, report.Progress, time.GetUtcNow());
            var store = next.Stages.Count != current.Stages.Count || time.GetUtcNow() - _lastPersisted >= ProgressPersistInterval;
            await UpdateAsync(_ => next, store);
        }

        return current.CancelRequestedBy is null;
    }

    /// <inheritdoc />
    public async Task<CancelResult> CancelAsync(string requestedBy)
    {
        var caller = Callers.Current();
        requestedBy = caller.NameOr(requestedBy);
        switch (Current)
        {
            case { Submitter: var submitter } when caller is { Role: not Role.Admin, Name.Length: > 0 } && submitter != caller.Name:
                var denied = new AccessDeniedException(
                    $"Access denied: action {Id} was dispatched by '{submitter}'; '{caller.Name}' has the {caller.Role.Name()} role, which may cancel only its own actions (an admin may cancel any).");
                await audit.WriteAsync(audit.Entry(Id, AuditOperation.Cancel, AuditOutcome.Refused, denied.Message, requestedBy));
                throw denied;
            case null:
                var missing = new ActionNotFoundException(Id);
                await audit.WriteAsync(audit.Entry(Id, AuditOperation.Cancel, AuditOutcome.Refused, missing.Message, requestedBy));
                throw missing;
            case { Status: var status } final when status.IsFinal():
                return await Unchanged(new CancelResult(false, $"Action {Id} already ended {status}; nothing to cancel.", final));
            case { CancelRequestedBy: { } earlier } running when running.Status == ActionStatus.Running:
                _control?.Stop(StopReason.Cancelled);
                return await Unchanged(new CancelResult(true, $"Cancel already requested by {earlier}; the command is being stopped.", running));
        }

        // A cancel that changes nothing is kept in the audit log only.
        async Task<CancelResult> Unchanged(CancelResult result)
        {
            await audit.WriteAsync(audit.Entry(Id, AuditOperation.Cancel, result.Accepted ? AuditOutcome.Accepted : AuditOutcome.Refused, result.Message, requestedBy));
            return result;
        }

        var waiting = state.State.Status;
        if (await TransitionAsync(ActionStatus.Cancelled, current => current.Status is ActionStatus.Queued or ActionStatus.Retrying, current => Audited(current with { CancelRequestedBy = requestedBy, FinishedAt = time.GetUtcNow(), NextAttemptAt = null }, AuditOperation.Cancel, $"cancelled while {current.Status}", requestedBy)))
        {
            var message = waiting == ActionStatus.Queued
                ? $"Action {Id} cancelled before it started; it will not run."
                : $"Action {Id} cancelled while waiting to retry; no further attempt will run.";
            return new CancelResult(true, message, state.State);
        }

        // Running: the worker stops the process tree and reports; the action then ends Cancelled.
        await UpdateAsync(current => Audited(current with { CancelRequestedBy = requestedBy }, AuditOperation.Cancel, "cancel requested while Running; stopping the command", requestedBy));
        _control?.Stop(StopReason.Cancelled);
        LogCancelRequested(Id, requestedBy);
        return new CancelResult(true, $"Action {Id} is running; its command is being stopped.", state.State);
    }

    /// <inheritdoc />
    public Task<ActionSubscription> SubscribeAsync(IActionObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var renewal = _observers.Any(o => o.Equals(observer));
        _observers.Subscribe(observer, observer);
        if (!renewal && Current is { Status: ActionStatus.Running })
        {
            foreach (var chunk in _recentOutput.Chunks)
            {
                observer.OnOutput(chunk);
            }
        }

        return Task.FromResult(new ActionSubscription(Current, Options.SubscriptionLifetime));
    }

    /// <inheritdoc />
    public async Task<bool> ForgetIfDueAsync()
    {
        var now = time.GetUtcNow();
        switch (Current)
        {
            case null:
                return false;
            case { ForgottenAt: not null } forgotten:
                // Its index entry may have outlived it (a failed removal): the sweep that found it gets it removed.
                await IndexAsync(forgotten);
                return true;
            case { RetainUntil: { } until } when now >= until:
                // Its files go first: should that fail, nothing is forgotten and the next sweep tries again.
                await artifacts.DeleteActionAsync(Id);
                await UpdateAsync(final => final with
                {
                    Command = "",
                    Submitter = "",
                    Result = null,
                    Stages = [],
                    Steps = [],
                    Artifacts = [],
                    Attempts = [],
                    Worker = null,
                    IdempotencyKey = null,
                    CancelRequestedBy = null,
                    Audit = [],
                    ForgottenAt = now,
                });
                LogForgotten(Id, until);

                // Its own entries went with it (they hold the command); the log keeps them and this one.
                await audit.WriteAsync(audit.Entry(Id, AuditOperation.Remove, AuditOutcome.Accepted, $"retention ran out at {until:O}; request, output and result removed", caller: null));
                DeactivateWhenUnwatched();
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactChunk> ReadArtifactAsync(string name, int? attempt, long offset, int count)
    {
        ArtifactNames.Require(name);
        if (offset < 0 || count is < 1 or > ArtifactNames.MaxChunkBytes)
        {
            throw new PlexusException($"Read an artifact from an offset of 0 or more, 1 to {ArtifactNames.MaxChunkBytes} bytes at a time.");
        }

        var current = Current ?? throw new ActionNotFoundException(Id);
        if (current.ForgottenAt is not null)
        {
            throw new PlexusException($"Action {Id} was removed when its retention ran out, and its artifacts with it.");
        }

        var artifact = current.Artifacts.LastOrDefault(a => a.Name == name && (attempt is null || a.Attempt == attempt))
            ?? throw new PlexusException(current.Artifacts.Count == 0
                ? $"Action {Id} has no artifacts."
                : $"Action {Id} has no artifact '{name}'{(attempt is { } n ? $" of attempt {n}" : "")}; it has: {string.Join(", ", current.Artifacts.Select(a => $"{a.Name} (attempt {a.Attempt})").Distinct().Take(20))}.");
        return await artifacts.ReadAsync(new ArtifactKey(Id, artifact.Attempt, artifact.Name), offset, count)
            ?? throw new PlexusException($"The artifact '{name}' of action {Id} (attempt {artifact.Attempt}) is listed but no longer stored.");
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IActionObserver observer)
    {
        _observers.Unsubscribe(observer);
        DeactivateWhenUnwatched();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int?> CompleteStepAsync(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Current is not { Status: ActionStatus.Running } current || current.Attempt != result.Attempt)
        {
            return null;
        }

        _leaseExpiresAt = time.GetUtcNow() + Options.LeaseDuration;
        var recorded = ActionSteps.Record(current, result);
        var next = ActionSteps.Next(recorded, result);
        if (next is { } number)
        {
            recorded = ActionSteps.Start(recorded, number, result.Attempt, time.GetUtcNow());
            recorded = recorded with { Percent = ActionSteps.Percent(recorded.Steps), EstimatedCompletion = null };
        }

        await UpdateAsync(_ => recorded);
        return next;
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(CommandResult last)
    {
        ArgumentNullException.ThrowIfNull(last);
        if (Current is not { Status: ActionStatus.Running } current || current.Attempt != last.Attempt)
        {
            return Task.FromResult(false);
        }

        // The last step's own result is recorded on it; the action's result is the step that decided the attempt.
        var result = ActionSteps.Outcome(ActionSteps.Record(current, last), last);
        var outcome = result.StoppedBy switch
        {
            StopReason.Cancelled => AttemptOutcome.Cancelled,
            StopReason.TimedOut => AttemptOutcome.TimedOut,
            StopReason.Drained => AttemptOutcome.Drained,
            _ => result.IsSuccess ? AttemptOutcome.Succeeded : AttemptOutcome.Failed,
        };
        var record = new AttemptRecord(result.Attempt, result.Worker, current.StartedAt ?? result.StartedAt, result.FinishedAt, outcome, result.ExitCode, result.Error, result.Resources);
        return EndAttemptAsync(record, result with { StartedAt = current.StartedAt ?? result.StartedAt }, last);
    }

    /// <summary>
    /// Ends the running attempt with <paramref name="record"/>: a new attempt after the policy's backoff when
    /// <see cref="Retries.Decide"/> allows one, otherwise the final status with <paramref name="result"/>.
    /// </summary>
    /// <param name="record">The attempt as it ended.</param>
    /// <param name="result">The action's result of the attempt.</param>
    /// <param name="last">The result of the last step the attempt ran, recorded on that step; none for a lost worker.</param>
    private async Task<bool> EndAttemptAsync(AttemptRecord record, CommandResult result, CommandResult? last = null)
    {
        ActionSnapshot WithStep(ActionSnapshot current) => last is null ? current : ActionSteps.Record(current, last);
        var now = time.GetUtcNow();
        var decision = Retries.Decide(state.State, record);
        if (decision.RetryAfter is { } delay)
        {
            var retrying = await TransitionAsync(
                ActionStatus.Retrying,
                current => current.Attempt == record.Number,
                current => Audited(
                    WithStep(current) with { Attempts = current.Attempts.Add(record), Result = result, NextAttemptAt = now + delay },
                    AuditOperation.Retry,
                    $"attempt {record.Number} ended {record.Outcome}; attempt {record.Number + 1} in {delay.TotalSeconds:0.##} s",
                    caller: null));
            if (retrying)
            {
                metrics.Retried(Queue);
                LogRetrying(Id, record.Number, record.Outcome, delay.TotalSeconds);
                ScheduleCheck();
            }

            return retrying;
        }

        var final = decision.FinalStatus;
        var finalResult = decision.Error is { } error ? result with { Status = ResultStatus.Error, Error = error } : result;
        var ended = await TransitionAsync(
            final,
            current => current.Attempt == record.Number,
            current => Stages.Finish(WithStep(current), final == ActionStatus.Succeeded, now) with
            {
                Attempts = current.Attempts.Add(record),
                Result = finalResult,
                FinishedAt = now,
            });
        if (ended && decision.Poison)
        {
            metrics.PoisonStopped(Queue);
        }

        return ended;
    }

    /// <summary>
    /// The recovery check, run by the reminder and by a timer at the next moment something is due: a lapsed
    /// lease ends the attempt as lost, a finished backoff queues the next attempt, a passed queue deadline
    /// expires the action, and a queued action is published again in case its envelope was lost.
    /// </summary>
    private async Task CheckAsync()
    {
        var now = time.GetUtcNow();
        if (Current is not { } current)
        {
            if (_hasRecovery)
            {
                await UnregisterRecoveryAsync();
            }

            return;
        }

        // A final action still has its reminder when its index update failed (or the removal did): catch the entry up
        // before letting go; an unfinished one catches up on the way.
        if (_indexBehind || current.Status.IsFinal())
        {
            await IndexAsync(current);
        }

        if (current.Status.IsFinal())
        {
            if (_hasRecovery && !_indexBehind)
            {
                await UnregisterRecoveryAsync();
            }

            return;
        }

        switch (current)
        {
            case { Status: ActionStatus.Queued } when PastQueueDeadline(now):
                await ExpireAsync();
                return;
            case { Status: ActionStatus.Queued } queued when RepublishDue(queued, now):
                LogRepublished(Id, queued.Attempt);
                await PublishAsync(queued.Attempt);
                await UpdateAsync(current => current with { Published = Publication(now, (queued.Published?.Republished ?? 0) + 1) });
                break;
            case { Status: ActionStatus.Running } running when now >= _leaseExpiresAt:
                await WorkerLostAsync(running, now);
                break;
            case { Status: ActionStatus.Retrying, NextAttemptAt: { } due } retrying when now >= due:
                await RequeueAsync(retrying.Attempt + 1);
                break;
        }

        ScheduleCheck();
        DeactivateWhenUnwatched();
    }

    private Task WorkerLostAsync(ActionSnapshot running, DateTimeOffset now)
    {
        LogWorkerLost(Id, running.Attempt, running.Worker?.Silo);
        metrics.WorkerLost(Queue);
        var error = $"Worker lost: the worker running attempt {running.Attempt} ({running.Worker?.Silo ?? "unknown"}) was lost: " +
            $"it sent nothing for {Options.LeaseDuration.TotalSeconds:0.###} s (its silo crashed, was stopped or lost contact).";
        var record = new AttemptRecord(running.Attempt, running.Worker, running.StartedAt, now, AttemptOutcome.WorkerLost, null, error);
        var result = CommandResults.Refused(running.Command, running.Attempt, running.Worker ?? new WorkerInfo("unknown", "unknown"), running.StartedAt ?? now, error)
            with { FinishedAt = now };
        return EndAttemptAsync(record, result);
    }

    private async Task RequeueAsync(int attempt)
    {
        var queued = await TransitionAsync(
            ActionStatus.Queued,
            current => current.Attempt == attempt - 1,
            current => current with
            {
                Attempt = attempt,
                StartedAt = null,
                Worker = null,
                NextAttemptAt = null,
                Stages = [],
                Steps = ActionSteps.Reset(current.Steps, current.Retry.StartOver),
                Percent = null,
                EstimatedCompletion = null,
                Published = Publication(time.GetUtcNow(), republished: 0),
            });
        if (queued)
        {
            _recentOutput.Clear();
            await PublishAsync(attempt);
        }
    }

    /// <summary>
    /// The one way the status changes: moves to <paramref name="to"/> only when that transition is allowed from
    /// the current status and <paramref name="precondition"/> holds, through <see cref="UpdateAsync"/>.
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

        // The publication is recovery bookkeeping of a queued attempt: it goes with the status that needs it.
        // A step still running ends with its attempt: every way an attempt or the action ends passes here.
        await UpdateAsync(_ =>
        {
            var changed = change(current);
            var steps = to.IsFinal() || to == ActionStatus.Retrying ? ActionSteps.Finish(changed.Steps, to, changed.Result?.Error, time.GetUtcNow()) : changed.Steps;
            return changed with { Status = to, Steps = steps, Published = to == ActionStatus.Queued ? changed.Published : null };
        });
        LogTransition(Id, current.Status, to, state.State.Attempt);
        if (to.IsFinal())
        {
            metrics.ActionFinished(to, Queue);
            _finished?.TrySetResult(state.State);
            _control = null;
            _check?.Dispose();
            _recentOutput.Clear();
            if (_hasRecovery && !_indexBehind)
            {
                await UnregisterRecoveryAsync();
            }

            DeactivateWhenUnwatched();
        }

        return true;
    }

    /// <summary>
    /// The one way the action's document changes: applies <paramref name="change"/> with the next version, stores it,
    /// then tells the watchers. Should the write fail, memory is put back as it was and the error goes to the caller,
    /// so nothing changed that was not stored and the caller may try again. Progress between stage changes is the one
    /// change shown before it is stored (<paramref name="store"/> false): the next write takes it along.
    /// </summary>
    private async Task<ActionSnapshot> UpdateAsync(Func<ActionSnapshot, ActionSnapshot> change, bool store = true)
    {
        var before = state.State;
        var after = change(before) with { Version = (Current?.Version ?? 0) + 1 };
        state.State = after;
        if (store)
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State = before;
                throw;
            }

            _lastPersisted = time.GetUtcNow();
            await IndexAsync(after);
            await audit.WriteAddedAsync(before, after);
        }

        _observers.Notify(o => o.OnChanged(after));
        return after;
    }

    // The index follows what is stored, and holds nothing of a forgotten action. A failed update neither fails nor
    // holds up the change it follows: the entry is caught up by the recovery check, or for a forgotten action by the
    // next retention sweep (an older or repeated update changes nothing there).
    private async Task IndexAsync(ActionSnapshot action)
    {
        try
        {
            var item = ActionListItem.From(action);
            await (action.ForgottenAt is null ? index.UpsertAsync(item) : index.RemoveAsync(item));
            _indexBehind = false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _indexBehind = true;
            LogIndexFailed(ex, Id, action.Version);
            if (!_hasRecovery)
            {
                // The sweep may not find it now: a reminder of its own keeps it until the entry is caught up.
                await RegisterRecoveryAsync();
            }
        }
    }

    private Task ExpireAsync() =>
        TransitionAsync(ActionStatus.Expired, _ => PastQueueDeadline(time.GetUtcNow()), current => Audited(current with { FinishedAt = time.GetUtcNow() }, AuditOperation.Expire, "queue deadline passed before it started", caller: null));

    // The audit entry of a change goes with it: stored with the action, then written to the audit log by UpdateAsync.
    // A null caller marks what the cluster does on its own.
    private ActionSnapshot Audited(ActionSnapshot action, AuditOperation operation, string detail, string? caller) =>
        action with { Audit = AuditTrail.Add(action.Audit, audit.Entry(Id, operation, AuditOutcome.Accepted, detail, caller)) };

    // The queue deadline holds until the first attempt starts; later attempts are retries of a started action.
    private bool PastQueueDeadline(DateTimeOffset now) =>
        Current is { Status: ActionStatus.Queued, Attempt: 1, ExpiresAt: { } expiresAt } && now >= expiresAt;

    /// <summary>Arms a one-shot timer for the next moment something is due: the queue deadline, the lease, the backoff.</summary>
    private void ScheduleCheck()
    {
        DateTimeOffset? due = Current switch
        {
            { Status: ActionStatus.Queued, Attempt: 1, ExpiresAt: { } expiresAt } => expiresAt,
            { Status: ActionStatus.Running } => _leaseExpiresAt,
            { Status: ActionStatus.Retrying, NextAttemptAt: { } next } => next,
            _ => null,
        };
        _check?.Dispose();
        _check = null;
        if (due is { } at)
        {
            var wait = at - time.GetUtcNow();
            _check = this.RegisterGrainTimer(
                CheckAsync,
                new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
    }

    private Task PublishAsync(int attempt)
    {
        queues.NotePublished(state.State.Queue);
        return CommandStreams.PublishAsync(this.GetStreamProvider(CommandStreams.ProviderName), new CommandEnvelope(Id, attempt, state.State.Queue));
    }

    /// <summary>
    /// Refuses a dispatch beyond <see cref="ExecutionOptions.MaxQueuedPerSubmitter"/>. The count comes from the action
    /// index, which holds every stored action, so it stays right across restarts and silos; dispatches that race
    /// each other may pass it by as many as run at once.
    /// </summary>
    private async Task RequireQueueRoomAsync(string submitter)
    {
        if (Options.MaxQueuedPerSubmitter is not { } limit)
        {
            return;
        }

        var page = await index.QueryAsync(new ActionQuery { Submitter = submitter, Statuses = [ActionStatus.Queued], Limit = 1 });
        var queued = page.Counts.GetValueOrDefault(ActionStatus.Queued);
        if (queued >= limit)
        {
            throw new QueueFullException(submitter, queued, limit);
        }
    }

    // Stored with the write that queues the attempt, before the publish itself, which saves a write per action:
    // should the publish fail, so does the call, and recovery publishes after the first wait, as it would have.
    private EnvelopePublication Publication(DateTimeOffset at, int republished) =>
        new(at, silo.SiloAddress.ToParsableString(), republished);

    /// <summary>
    /// Whether a queued attempt's envelope is due to be published again: after waits that double from the recovery
    /// interval up to <see cref="MaxRepublishWait"/>, and at once when the silo that published it is gone, since
    /// its queue may have gone with it (that silo held the action's activation, which is lost with it too).
    /// </summary>
    private bool RepublishDue(ActionSnapshot queued, DateTimeOffset now)
    {
        if (queued.Published is not { } last
            || !SiloAddress.TryParse(last.Silo, out var publisher)
            || membership.CurrentSnapshot.GetSiloStatus(publisher) != SiloStatus.Active)
        {
            return true;
        }

        var wait = Options.RecoveryInterval * Math.Pow(2, Math.Min(last.Republished, 16));
        return now - last.At >= (wait < MaxRepublishWait ? wait : MaxRepublishWait);
    }

    /// <summary>
    /// Lets an action that nobody follows leave memory while it waits in the queue, and once it is final: 10,000
    /// of either would otherwise hold an activation (about 8 KB) each, a finished one until Orleans collects it
    /// 15 minutes later. Nothing it holds in memory is needed until someone calls: a queued action has no lease or
    /// output yet and its republish bookkeeping is stored; a final one is only read. The worker that takes it, a
    /// watcher, a reader or the recovery reminder activates it again.
    /// </summary>
    private void DeactivateWhenUnwatched()
    {
        _observers.ClearExpired();
        if (Current is not { } current || _observers.Count > 0 || _longPolls > 0)
        {
            return;
        }

        if (current.Status.IsFinal())
        {
            this.DeactivateOnIdle();
            return;
        }

        if (current is not { Status: ActionStatus.Queued } queued)
        {
            return;
        }

        // Without the sweep or a reminder nothing would wake it again to expire or publish it once more.
        if (NeedsReminder && !_hasRecovery)
        {
            return;
        }

        // A queue deadline that may come before the next reminder tick stays with this activation, whose timer
        // expires the action on time; one interval of slack covers a late tick.
        if (queued is { Attempt: 1, ExpiresAt: { } expiresAt } && expiresAt - time.GetUtcNow() <= 2 * Options.RecoveryInterval)
        {
            return;
        }

        this.DeactivateOnIdle();
    }

    // A failure here must not fail the dispatch: the action runs without the reminder, it only recovers less.
    private async Task RegisterRecoveryAsync()
    {
        try
        {
            _recovery = await this.RegisterOrUpdateReminder(RecoveryReminder, Options.RecoveryInterval, Options.RecoveryInterval);
            _hasRecovery = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReminderFailed(ex, Id, "register");
        }
    }

    private async Task UnregisterRecoveryAsync()
    {
        try
        {
            // Taken once: should the removal fail, the next try looks the reminder up afresh.
            var reminder = _recovery ?? await this.GetReminder(RecoveryReminder);
            _recovery = null;
            _hasRecovery = false;
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The next tick finds the action final and tries again.
            LogReminderFailed(ex, Id, "unregister");
        }
    }
}
