using Orleans.Runtime;
using Polly;
using Polly.Retry;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Feed;
using Plexus.Queries;
using Plexus.Queues;
using Plexus.Security;

namespace Plexus.Client;

/// <summary>
/// What a program (the CLI, a dashboard backend) does with actions: dispatch, read, wait, watch, cancel. Every call
/// takes a <see cref="CancellationToken"/>: cancelling it stops the wait and any retry at once (the action itself goes
/// on; <see cref="CancelAsync"/> is what stops an action). Registered by <c>AddPlexusClient</c>; inside a silo, or
/// over any grain factory, construct it directly. Every call carries the API key of <see cref="PlexusClientOptions.ApiKey"/>;
/// a <c>service</c> key may call for an end user through <see cref="ForEndUser"/>.
/// </summary>
public sealed class ActionClient
{
    private readonly IGrainFactory grains;
    private readonly CallerIdentity identity;

    /// <summary>Creates a client over <paramref name="grains"/> that presents the API key of <paramref name="options"/>, if any.</summary>
    public ActionClient(IGrainFactory grains, PlexusClientOptions? options = null)
        : this(grains, new CallerIdentity(options?.ApiKey))
    {
    }

    private ActionClient(IGrainFactory grains, CallerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(grains);
        this.grains = grains;
        this.identity = identity;
    }

    /// <summary>
    /// Returns a client whose calls act for <paramref name="endUser"/> with <paramref name="role"/>: dispatches name them as
    /// the submitter and the audit log as the actor. Only a <c>service</c> key may do this; the cluster refuses any other.
    /// </summary>
    public ActionClient ForEndUser(string endUser, Role role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endUser);
        return new ActionClient(grains, identity with { EndUser = endUser, EndUserRole = role });
    }

    // Each wait call returns at least this often, so a lost silo is noticed and the caller can re-issue it.
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(15);

    /// <summary>The submitter name used when none is given: the user and the machine.</summary>
    public static string DefaultSubmitter => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>
    /// Dispatches <paramref name="request"/> as a new action and returns it queued. With an
    /// <see cref="ActionRequest.IdempotencyKey"/>, a repeated dispatch returns the action the first one created,
    /// whatever its state. Throws <see cref="CommandRejectedException"/> when the cluster refuses the command,
    /// and <see cref="PlexusException"/> for an unusable request (nothing is stored in either case).
    /// </summary>
    public Task<ActionSnapshot> DispatchAsync(ActionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestRules.Check(request);
        var id = request.IdempotencyKey is { } key ? IdempotencyKeys.ActionId(key) : Guid.CreateVersion7();

        // Only a keyed dispatch may be sent twice: without a key a lost answer would leave the caller unsure.
        return Call(identity, () => Action(id).SubmitAsync(request), cancellationToken, repeatable: request.IdempotencyKey is not null);
    }

    /// <summary>Gets the action <paramref name="id"/>, or <see langword="null"/> when there is none.</summary>
    public Task<ActionSnapshot?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        Call(identity, () => Action(id).GetAsync(), cancellationToken);

    /// <summary>Waits until the action <paramref name="id"/> is final and returns it; <see langword="null"/> when there is none.</summary>
    public async Task<ActionSnapshot?> WaitForFinalAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var grain = Action(id);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var action = await Call(identity, () => grain.WaitForFinalAsync(LongPoll), cancellationToken).ConfigureAwait(false);
            if (action is null || action.Status.IsFinal())
            {
                return action;
            }
        }
    }

    /// <summary>
    /// Follows the action <paramref name="id"/> live: first its current state, then every change and every
    /// piece of output, until it is final. Throws <see cref="ActionNotFoundException"/> when there is no such action.
    /// </summary>
    public IAsyncEnumerable<ActionEvent> WatchAsync(Guid id, CancellationToken cancellationToken = default) =>
        new ActionWatcher(grains, id, identity).WatchAsync(cancellationToken);

    /// <summary>
    /// Follows every action's changes live, in batches of a few a second (each action at most once per batch, as it is
    /// now, and each action's changes in the order of their versions), until <paramref name="cancellationToken"/> is cancelled: what a live table needs. Changes made while the
    /// cluster was unreachable are not repeated: re-read the listing after an error. The first batch is empty: it comes
    /// once the subscription stands.
    /// </summary>
    public IAsyncEnumerable<IReadOnlyList<ActionChange>> WatchChangesAsync(CancellationToken cancellationToken = default) =>
        new FeedWatcher(grains, identity).WatchAsync(cancellationToken);

    /// <summary>
    /// Lists the actions <paramref name="query"/> selects, newest first, one page at a time (pass the page's
    /// <see cref="ActionPage.Next"/> as the next query's cursor), with counts per status of all that match. Throws
    /// <see cref="PlexusException"/> for an unusable query.
    /// </summary>
    public Task<ActionPage> ListAsync(ActionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Problem() is { } problem
            ? throw new PlexusException(problem)
            : Call(identity, () => grains.GetGrain<IActionQueryGrain>(0).ListAsync(query), cancellationToken);
    }

    /// <summary>
    /// Lists the audit log: who dispatched, cancelled, retried or expired which action, from where, and how it ended,
    /// refused calls included; newest first, one page at a time (pass the page's <see cref="AuditPage.Next"/> as the
    /// next query's cursor). Throws <see cref="PlexusException"/> for an unusable query.
    /// </summary>
    public Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Problem() is { } problem
            ? throw new PlexusException(problem)
            : Call(identity, () => grains.GetGrain<IAuditQueryGrain>(0).ListAsync(query), cancellationToken);
    }

    /// <summary>
    /// Records in the cluster's audit log a request this front end refused before it reached the cluster (a missing or
    /// unknown key), and returns the entry. Needs a <c>service</c> key; it is not repeated on a lost connection.
    /// </summary>
    public Task<AuditRecord> RecordRefusalAsync(string request, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reason);
        return Call(identity, () => grains.GetGrain<IAuditRecorderGrain>(0).RecordRefusalAsync(request, reason), cancellationToken, repeatable: false);
    }

    /// <summary>Cancels the action <paramref name="id"/> for <paramref name="requestedBy"/>; the answer says whether that changed anything.</summary>
    public Task<CancelResult> CancelAsync(Guid id, string requestedBy, CancellationToken cancellationToken = default) =>
        Call(identity, () => Action(id).CancelAsync(requestedBy), cancellationToken);

    /// <summary>Lists every live silo's worker pool: queues served, concurrency, running commands, heartbeat, draining.</summary>
    public Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync(CancellationToken cancellationToken = default) =>
        Call(identity, () => grains.GetGrain<IWorkerRegistryGrain>(0).GetWorkersAsync(), cancellationToken);

    /// <summary>
    /// Says why <paramref name="action"/> waits, when the cluster can tell: "no silo serves queue gpu" for a queued
    /// action whose queue no live silo serves; otherwise <see langword="null"/>.
    /// </summary>
    public async Task<string?> WaitingReasonAsync(ActionSnapshot action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Status == ActionStatus.Queued
            ? Waiting.Reason(action.Queue, await GetWorkersAsync(cancellationToken).ConfigureAwait(false))
            : null;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes (at most <see cref="ArtifactNames.MaxChunkBytes"/>) of the artifact
    /// <paramref name="name"/> of action <paramref name="id"/> from <paramref name="offset"/>; <paramref name="attempt"/>
    /// null reads the last attempt's. A name that is not an artifact of the action is a <see cref="PlexusException"/>.
    /// </summary>
    public Task<ArtifactChunk> ReadArtifactAsync(Guid id, string name, int? attempt, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArtifactNames.Require(name);
        return Call(identity, () => Action(id).ReadArtifactAsync(name, attempt, offset, count), cancellationToken);
    }

    /// <summary>
    /// Copies the whole artifact <paramref name="name"/> of action <paramref name="id"/> to <paramref name="destination"/>,
    /// a part at a time, and returns its size.
    /// </summary>
    public async Task<long> DownloadArtifactAsync(Guid id, string name, int? attempt, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long offset = 0;
        while (true)
        {
            var chunk = await ReadArtifactAsync(id, name, attempt, offset, ArtifactNames.MaxChunkBytes, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
            offset += chunk.Data.Length;
            if (chunk.Data.Length == 0 || offset >= chunk.TotalSize)
            {
                return offset;
            }
        }
    }

    /// <summary>Parses an action id typed by a user, or throws <see cref="PlexusException"/> saying what is expected.</summary>
    public static Guid ParseId(string text) =>
        Guid.TryParse(text?.Trim(), out var id)
            ? id
            : throw new PlexusException($"'{text}' is not an action id: expected a GUID such as 0193c3a2-5d1e-7c4b-9a57-2f8e4b1c0d9a.");

    private IActionGrain Action(Guid id) => grains.GetGrain<IActionGrain>(id);

    // A call that may safely run twice is tried again for about 40 s when its gateway or silo is lost: long
    // enough for the client to move to another gateway, and for the cluster to declare a crashed silo dead
    // (Orleans' default probes take 15–30 s) and activate its grains elsewhere.
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 13,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(4),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsClusterFault),
        })
        .Build();

    // Turns the ways a call can fail for lack of a cluster into one error a caller can act on. Calls that change
    // nothing when repeated (reads, waits, cancels, subscriptions, keyed dispatches) are tried again first. The
    // token ends the wait for an answer and the retries; the grain call itself may still arrive.
    internal static async Task<T> Call<T>(CallerIdentity identity, Func<Task<T>> call, CancellationToken cancellationToken, bool repeatable = true)
    {
        // Set inside this async method, the identity reaches the calls below and does not leak into the caller's flow.
        identity.Stamp();
        try
        {
            return repeatable
                ? await Retry.ExecuteAsync(async token => await call().WaitAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
                : await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClusterFault(ex))
        {
            throw new ClusterUnavailableException($"Lost the Plexus cluster: {ex.Message}", ex);
        }
    }

    private static bool IsClusterFault(Exception ex) =>
        ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
            or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException;
}
