using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Internal;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Queries;

namespace Plexus.Aws.DynamoDb.Indexing;

/// <summary>
/// The action index on DynamoDB: one item per action, replaced only by a higher version.
/// </summary>
/// <remarks>
/// <para>
/// The partition key is the service id; the sort key is the queue time as 19-digit UTC ticks, <c>#</c>, and the
/// action id in hex (<c>N</c>), so a service's entries lie in listing order (an action's queue time never changes,
/// so neither does its key). A page is one descending range query: the time window and the cursor become the
/// key condition, status, command prefix and submitter a filter expression. DynamoDB's <c>Limit</c> counts the items
/// it reads, not those that pass the filter, so the query goes on, reading more each round, until the page (plus one
/// item that tells whether a next page exists) is full: a page of an unfiltered listing costs the same with 1,000
/// or 100,000 entries; a filter that keeps one entry in <c>k</c> reads about <c>k</c> times the page.
/// </para>
/// <para>
/// The counts per status read the whole time window (every entry of the service when the query sets none), each
/// entry in full: a projection saves bandwidth, not read capacity, which DynamoDB charges by item size. That is
/// O(entries in the window), about 1 read unit per 16 entries (consistent reads of ~250-byte items) and one round
/// trip per MB; a listing with <c>since</c> keeps it small.
/// </para>
/// <para>
/// Entries of finished actions carry their retention in <c>RetainUntil</c>, the sort key of a sparse global index
/// (<c>ByRetention</c>) that <see cref="DueForRemovalAsync"/> reads earliest first; being a global index it is
/// eventually consistent, which a removal sweep tolerates (removal is conditional on the version anyway). They also
/// carry DynamoDB's time to live, a margin after their retention, as a backstop.
/// </para>
/// <para>
/// All of a service's entries share one partition key, so one service id takes up to DynamoDB's per-partition
/// write rate (1,000 writes/s; an action writes its entry a few times: queued, running, final).
/// </para>
/// </remarks>
public sealed partial class DynamoDbActionIndex : IActionIndex, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string PartitionKey = "Pk";
    private const string SortKey = "Sk";
    private const string IdAttribute = "Id";
    private const string StatusAttribute = "Status";
    private const string CommandAttribute = "Command";
    private const string SubmitterAttribute = "Submitter";
    private const string QueuedAtAttribute = "QueuedAt";
    private const string StartedAtAttribute = "StartedAt";
    private const string FinishedAtAttribute = "FinishedAt";
    private const string PercentAttribute = "Percent";
    private const string AttemptAttribute = "Attempt";
    private const string VersionAttribute = "Version";
    private const string RetainUntilAttribute = "RetainUntil";
    private const string QueueAttribute = "Queue";
    private const string RetentionIndex = "ByRetention";

    private readonly DynamoDbActionIndexOptions _options;
    private readonly string _serviceId;
    private readonly ILogger<DynamoDbActionIndex> _logger;
    private readonly ProviderClient<IAmazonDynamoDB> _client;
    private readonly string _table;

    /// <summary>
    /// Creates the index for the service named by <see cref="ClusterOptions.ServiceId"/>. It uses
    /// <paramref name="client"/> (in a container: the keyed service <see cref="DynamoDbActionIndexOptions.ClientKey"/>)
    /// when given, else a client built from <paramref name="options"/>.
    /// </summary>
    public DynamoDbActionIndex(
        IOptions<DynamoDbActionIndexOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<DynamoDbActionIndex> logger,
        [FromKeyedServices(DynamoDbActionIndexOptions.ClientKey)] IAmazonDynamoDB? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _options = options.Value;
        _serviceId = clusterOptions.Value.ServiceId;
        _logger = logger;
        _client = new(client, () => DynamoDbClientFactory.Create(_options));
        _table = _options.FullTableName;
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DynamoDbActionIndex), ServiceLifecycleStage.ApplicationServices, StartAsync);

    /// <summary>Creates the table (with its retention index) when missing and turns its time to live on.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DynamoDbTables.EnsureTableAsync(_client.Value, _options, KeySchema, AttributeDefinitions, Indexes, _logger, cancellationToken).ConfigureAwait(false);
        await DynamoDbTables.EnsureTimeToLiveAsync(_client.Value, _table, _options.TimeToLiveAttribute, _logger, cancellationToken).ConfigureAwait(false);
        LogReady(_table, _serviceId);
    }

    /// <inheritdoc />
    public async Task UpsertAsync(ActionListItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            await _client.Value.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = ToAttributes(item),
                ConditionExpression = "attribute_not_exists(#pk) OR #version < :version",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#version"] = VersionAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":version"] = Number(item.Version) },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The entry holds this version or a newer one: a repeated or late update, which changes nothing.
            LogOlderUpdateIgnored(item.Id, item.Version);
        }
    }

    /// <inheritdoc />
    public async Task RemoveAsync(ActionListItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            await _client.Value.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = KeyOf(item.QueuedAt.UtcTicks, item.Id),
                ConditionExpression = "#version <= :version",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#version"] = VersionAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":version"] = Number(item.Version) },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Missing (nothing to do) or newer than the removal (the action changed since it was found due).
            LogRemoveRefused(item.Id, item.Version);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ActionListItem>> DueForRemovalAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var due = new List<ActionListItem>();
        Dictionary<string, AttributeValue>? start = null;
        while (due.Count < limit)
        {
            var response = await _client.Value.QueryAsync(new QueryRequest
            {
                TableName = _table,
                IndexName = RetentionIndex,
                KeyConditionExpression = "#pk = :pk AND #retain <= :now",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#retain"] = RetainUntilAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = _serviceId }, [":now"] = Number(now.UtcTicks) },
                ScanIndexForward = true,
                Limit = limit - due.Count,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            due.AddRange((response.Items ?? []).Select(ToItem));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            if (start is null)
            {
                break;
            }
        }

        return due;
    }

    /// <inheritdoc />
    public async Task<ActionPage> QueryAsync(ActionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var window = Window(query.Since, query.Until);
        var pageRange = ActionCursor.TryParse(query.Cursor, out var cursor) ? Below(window, (cursor.QueuedAt.UtcTicks, IdNumber(cursor.Id))) : window;

        // One item more than asked for says whether a next page exists.
        var items = new List<ActionListItem>();
        await foreach (var item in ReadAsync(query, pageRange, statusOnly: false, query.Limit + 1, cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToItem(item));
            if (items.Count > query.Limit)
            {
                break;
            }
        }

        var counts = new Dictionary<ActionStatus, long>();
        await foreach (var item in ReadAsync(query, window, statusOnly: true, firstLimit: null, cancellationToken).ConfigureAwait(false))
        {
            var status = Enum.Parse<ActionStatus>(item[StatusAttribute].S);
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }

        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new ActionCursor(items[^1].QueuedAt, items[^1].Id).ToString();
        }

        return new ActionPage(items, next, counts);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    internal static IReadOnlyList<KeySchemaElement> KeySchema { get; } =
        [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(SortKey, KeyType.RANGE)];

    internal static IReadOnlyList<AttributeDefinition> AttributeDefinitions { get; } =
    [
        new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
        new AttributeDefinition(SortKey, ScalarAttributeType.S),
        new AttributeDefinition(RetainUntilAttribute, ScalarAttributeType.N),
    ];

    // Sparse: only entries with a RetainUntil (finished actions) are in it. ALL, so a due entry comes back whole.
    internal static IReadOnlyList<GlobalSecondaryIndex> Indexes { get; } =
    [
        new GlobalSecondaryIndex
        {
            IndexName = RetentionIndex,
            KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(RetainUntilAttribute, KeyType.RANGE)],
            Projection = new Projection { ProjectionType = ProjectionType.ALL },
        },
    ];

    /// <summary>
    /// Reads the entries of <paramref name="range"/> (inclusive sort keys; null when empty) that pass the query's
    /// filters, newest first. <paramref name="firstLimit"/> bounds the first read, each further one reads twice as
    /// many; null reads DynamoDB's pages as they come (1 MB each).
    /// </summary>
    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> ReadAsync(
        ActionQuery query,
        (string Low, string High)? range,
        bool statusOnly,
        int? firstLimit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (range is not { } keys)
        {
            yield break;
        }

        // DynamoDB refuses names and values that the expressions do not use: add each only with its use.
        var names = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#sk"] = SortKey };
        var values = new Dictionary<string, AttributeValue>
        {
            [":pk"] = new() { S = _serviceId },
            [":low"] = new() { S = keys.Low },
            [":high"] = new() { S = keys.High },
        };
        var filters = new List<string>();
        if (!query.Statuses.IsDefaultOrEmpty)
        {
            names["#status"] = StatusAttribute;
            var statuses = query.Statuses.Distinct().Select((status, i) =>
            {
                values[$":s{i}"] = new AttributeValue { S = status.ToString() };
                return $":s{i}";
            });
            filters.Add($"#status IN ({string.Join(", ", statuses)})");
        }

        if (query.CommandPrefix is { Length: > 0 } prefix)
        {
            // begins_with compares UTF-8 bytes, which for a whole-character prefix is the ordinal prefix.
            names["#command"] = CommandAttribute;
            values[":prefix"] = new AttributeValue { S = prefix };
            filters.Add("begins_with(#command, :prefix)");
        }

        if (query.Submitter is { } submitter)
        {
            names["#submitter"] = SubmitterAttribute;
            values[":submitter"] = new AttributeValue { S = submitter };
            filters.Add("#submitter = :submitter");
        }

        if (statusOnly)
        {
            names["#status"] = StatusAttribute;
        }

        var limit = firstLimit;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await _client.Value.QueryAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                ScanIndexForward = false,
                KeyConditionExpression = "#pk = :pk AND #sk BETWEEN :low AND :high",
                FilterExpression = filters.Count > 0 ? string.Join(" AND ", filters) : null,
                ProjectionExpression = statusOnly ? "#status" : null,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                Limit = limit,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            limit = limit is { } previous ? (int)Math.Min(previous * 2L, int.MaxValue) : null;
        }
        while (start is not null);
    }

    /// <summary>The inclusive sort-key range of queue times from <paramref name="since"/> (inclusive) to <paramref name="until"/> (exclusive); null when empty.</summary>
    private static (string Low, string High)? Window(DateTimeOffset? since, DateTimeOffset? until)
    {
        (long, UInt128) low = (since?.UtcTicks ?? 0, UInt128.Zero);
        var high = until is { } end ? Predecessor((end.UtcTicks, UInt128.Zero)) : (DateTimeOffset.MaxValue.UtcTicks, UInt128.MaxValue);
        return high is { } top && low.CompareTo(top) <= 0 ? (SortKeyOf(low), SortKeyOf(top)) : null;
    }

    /// <summary><paramref name="range"/> cut to the keys below <paramref name="exclusive"/> (the cursor's entry); null when nothing is left.</summary>
    private static (string Low, string High)? Below((string Low, string High)? range, (long Ticks, UInt128 Id) exclusive)
    {
        if (range is not { } keys || Predecessor(exclusive) is not { } top)
        {
            return null;
        }

        var high = SortKeyOf(top);
        if (string.CompareOrdinal(high, keys.High) > 0)
        {
            high = keys.High;
        }

        return string.CompareOrdinal(keys.Low, high) <= 0 ? (keys.Low, high) : null;
    }

    // Every sort key has the same shape, so "below k" is "at or below the key just before k", which BETWEEN can say.
    private static (long Ticks, UInt128 Id)? Predecessor((long Ticks, UInt128 Id) key) =>
        key.Id > UInt128.Zero ? (key.Ticks, key.Id - UInt128.One)
        : key.Ticks > 0 ? (key.Ticks - 1, UInt128.MaxValue)
        : null;

    // Fixed-width digits and lowercase hex: the text order is the (queue time, id) order.
    private static string SortKeyOf((long Ticks, UInt128 Id) key) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.Ticks:D19}#{key.Id:x32}");

    private static UInt128 IdNumber(Guid id) => UInt128.Parse(id.ToString("N"), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private Dictionary<string, AttributeValue> KeyOf(long queuedTicks, Guid id) => new()
    {
        [PartitionKey] = new() { S = _serviceId },
        [SortKey] = new() { S = SortKeyOf((queuedTicks, IdNumber(id))) },
    };

    private Dictionary<string, AttributeValue> ToAttributes(ActionListItem item)
    {
        var attributes = KeyOf(item.QueuedAt.UtcTicks, item.Id);
        attributes[IdAttribute] = new AttributeValue { S = item.Id.ToString("N") };
        attributes[StatusAttribute] = new AttributeValue { S = item.Status.ToString() };
        attributes[CommandAttribute] = new AttributeValue { S = item.Command };
        attributes[SubmitterAttribute] = new AttributeValue { S = item.Submitter };
        attributes[QueueAttribute] = new AttributeValue { S = item.Queue };
        attributes[QueuedAtAttribute] = Number(item.QueuedAt.UtcTicks);
        attributes[AttemptAttribute] = Number(item.Attempt);
        attributes[VersionAttribute] = Number(item.Version);
        if (item.StartedAt is { } started)
        {
            attributes[StartedAtAttribute] = Number(started.UtcTicks);
        }

        if (item.FinishedAt is { } finished)
        {
            attributes[FinishedAtAttribute] = Number(finished.UtcTicks);
        }

        if (item.Percent is { } percent)
        {
            // Text, not a DynamoDB number: those stop at 1E-130, and a double's shortest round-trip form is exact.
            attributes[PercentAttribute] = new AttributeValue { S = percent.ToString("R", CultureInfo.InvariantCulture) };
        }

        if (item.RetainUntil is { } retainUntil)
        {
            attributes[RetainUntilAttribute] = Number(retainUntil.UtcTicks);

            // In seconds, not DateTimeOffset arithmetic, which would overflow for a retention that never ends.
            attributes[_options.TimeToLiveAttribute] = Number(retainUntil.ToUnixTimeSeconds() + (long)_options.TimeToLiveMargin.TotalSeconds);
        }

        return attributes;
    }

    private static ActionListItem ToItem(Dictionary<string, AttributeValue> item) => new()
    {
        Id = Guid.ParseExact(item[IdAttribute].S, "N"),
        Status = Enum.Parse<ActionStatus>(item[StatusAttribute].S),
        Command = item[CommandAttribute].S,
        Submitter = item[SubmitterAttribute].S,
        QueuedAt = new DateTimeOffset(long.Parse(item[QueuedAtAttribute].N, CultureInfo.InvariantCulture), TimeSpan.Zero),
        StartedAt = Time(item, StartedAtAttribute),
        FinishedAt = Time(item, FinishedAtAttribute),
        Percent = item.TryGetValue(PercentAttribute, out var percent) ? double.Parse(percent.S, CultureInfo.InvariantCulture) : null,
        Attempt = int.Parse(item[AttemptAttribute].N, CultureInfo.InvariantCulture),
        Version = long.Parse(item[VersionAttribute].N, CultureInfo.InvariantCulture),
        RetainUntil = Time(item, RetainUntilAttribute),

        // Entries written before entries named their queue are in the default one.
        Queue = item.TryGetValue(QueueAttribute, out var queue) ? queue.S : Queues.QueueNames.Default,
    };

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string attribute) =>
        item.TryGetValue(attribute, out var value) ? new DateTimeOffset(long.Parse(value.N, CultureInfo.InvariantCulture), TimeSpan.Zero) : null;

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
