using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Internal;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Reminders;

/// <summary>
/// The Orleans reminder table on DynamoDB.
/// </summary>
/// <remarks>
/// Silos ask for the reminders of a range of grain hashes, so rows are kept in hash order: the partition key is the
/// service id plus the top four bits of the grain's hash (16 partitions per service, so load spreads), and the sort
/// key starts with the hash as eight hex digits, then the grain id and the reminder name. A range becomes one
/// <c>Query … BETWEEN</c> per partition it touches; a grain's reminders are one <c>begins_with</c> query. Times are
/// kept as ticks, so they come back exactly whatever the culture or time zone.
/// </remarks>
public sealed partial class DynamoDbReminderTable : IReminderTable, IDisposable
{
    private const string PartitionKey = "Pk";
    private const string SortKey = "Sk";
    private const string GrainIdAttribute = "GrainId";
    private const string NameAttribute = "ReminderName";
    private const string StartAtAttribute = "StartAt";
    private const string PeriodAttribute = "Period";
    private const string ETagAttribute = "ETag";
    private const int BucketBits = 4;

    private readonly DynamoDbReminderOptions _options;
    private readonly string _serviceId;
    private readonly ILogger<DynamoDbReminderTable> _logger;
    private readonly ProviderClient<IAmazonDynamoDB> _client;
    private readonly string _table;

    /// <summary>
    /// Creates the table for the service named by <see cref="ClusterOptions.ServiceId"/>. It uses
    /// <paramref name="client"/> (in a container: the keyed service <see cref="DynamoDbReminderOptions.ClientKey"/>)
    /// when given, else a client built from <paramref name="options"/>.
    /// </summary>
    public DynamoDbReminderTable(
        IOptions<DynamoDbReminderOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<DynamoDbReminderTable> logger,
        [FromKeyedServices(DynamoDbReminderOptions.ClientKey)] IAmazonDynamoDB? client = null)
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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DynamoDbTables.EnsureTableAsync(_client.Value, _options, KeySchema, AttributeDefinitions, [], _logger, cancellationToken).ConfigureAwait(false);
        LogReady(_table, _serviceId);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        var hash = grainId.GetUniformHashCode();
        var prefix = KeyText.Join(Hex(hash), grainId.ToString()) + "|";
        var items = await QueryAsync(Bucket(hash), "begins_with(#sk, :prefix)", new() { [":prefix"] = new() { S = prefix } }, cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(items.Select(ToEntry).Where(e => e.GrainId == grainId));
    }

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        foreach (var (low, high) in Ranges(begin, end))
        {
            for (var bucket = low >> (32 - BucketBits); bucket <= high >> (32 - BucketBits); bucket++)
            {
                // '~' sorts after '|', so every key of the hash 'high' is below the upper bound.
                var items = await QueryAsync(BucketKey(bucket), "#sk BETWEEN :low AND :high", new()
                {
                    [":low"] = new() { S = Hex(low) },
                    [":high"] = new() { S = Hex(high) + "~" },
                }, cancellationToken).ConfigureAwait(false);
                entries.AddRange(items.Select(ToEntry));
            }
        }

        return new ReminderTableData(entries);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var response = await _client.Value.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = KeyOf(grainId, reminderName),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? ToEntry(item) : null;
    }

    /// <inheritdoc />
    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        var item = KeyOf(entry.GrainId, entry.ReminderName);
        item[GrainIdAttribute] = new AttributeValue { S = entry.GrainId.ToString() };
        item[NameAttribute] = new AttributeValue { S = entry.ReminderName };
        item[StartAtAttribute] = Number(entry.StartAt.Kind == DateTimeKind.Local ? entry.StartAt.ToUniversalTime().Ticks : entry.StartAt.Ticks);
        item[PeriodAttribute] = Number(entry.Period.Ticks);
        item[ETagAttribute] = new AttributeValue { S = etag };
        await _client.Value.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken).ConfigureAwait(false);
        return etag;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Value.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = KeyOf(grainId, reminderName),
                ConditionExpression = "#etag = :etag",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#etag"] = ETagAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":etag"] = new() { S = eTag ?? "" } },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            LogRemoveRefused(reminderName, grainId);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTableAsync(CancellationToken cancellationToken)
    {
        for (uint bucket = 0; bucket < 1u << BucketBits; bucket++)
        {
            var items = await QueryAsync(BucketKey(bucket), null, [], cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                await _client.Value.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = _table,
                    Key = new Dictionary<string, AttributeValue> { [PartitionKey] = item[PartitionKey], [SortKey] = item[SortKey] },
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    [Obsolete("The runtime calls StartAsync.")]
    Task IReminderTable.Init() => StartAsync(CancellationToken.None);

    [Obsolete("The runtime calls ReadRowsAsync.")]
    Task<ReminderTableData> IReminderTable.ReadRows(GrainId grainId) => ReadRowsAsync(grainId, CancellationToken.None);

    [Obsolete("The runtime calls ReadRowsAsync.")]
    Task<ReminderTableData> IReminderTable.ReadRows(uint begin, uint end) => ReadRowsAsync(begin, end, CancellationToken.None);

    [Obsolete("The runtime calls ReadRowAsync.")]
    Task<ReminderEntry?> IReminderTable.ReadRow(GrainId grainId, string reminderName) => ReadRowAsync(grainId, reminderName, CancellationToken.None);

    [Obsolete("The runtime calls UpsertRowAsync.")]
    async Task<string?> IReminderTable.UpsertRow(ReminderEntry entry) => await UpsertRowAsync(entry, CancellationToken.None).ConfigureAwait(false);

    [Obsolete("The runtime calls RemoveRowAsync.")]
    Task<bool> IReminderTable.RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRowAsync(grainId, reminderName, eTag, CancellationToken.None);

    [Obsolete("The runtime calls TestOnlyClearTableAsync.")]
    Task IReminderTable.TestOnlyClearTable() => TestOnlyClearTableAsync(CancellationToken.None);

    internal static IReadOnlyList<KeySchemaElement> KeySchema { get; } =
        [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(SortKey, KeyType.RANGE)];

    internal static IReadOnlyList<AttributeDefinition> AttributeDefinitions { get; } =
        [new AttributeDefinition(PartitionKey, ScalarAttributeType.S), new AttributeDefinition(SortKey, ScalarAttributeType.S)];

    /// <summary>
    /// The inclusive hash ranges Orleans means by (<paramref name="begin"/>, <paramref name="end"/>]: above begin up to
    /// and including end, wrapping past the top when begin &gt;= end (begin == end is the whole ring).
    /// </summary>
    internal static IEnumerable<(uint Low, uint High)> Ranges(uint begin, uint end)
    {
        if (begin < end)
        {
            yield return (begin + 1, end);
            yield break;
        }

        if (begin < uint.MaxValue)
        {
            yield return (begin + 1, uint.MaxValue);
        }

        yield return (0, end);
    }

    private string Bucket(uint hash) => BucketKey(hash >> (32 - BucketBits));

    private string BucketKey(uint bucket) => KeyText.Join(_serviceId, bucket.ToString("X1", CultureInfo.InvariantCulture));

    private Dictionary<string, AttributeValue> KeyOf(GrainId grainId, string reminderName)
    {
        var hash = grainId.GetUniformHashCode();
        return new Dictionary<string, AttributeValue>
        {
            [PartitionKey] = new() { S = Bucket(hash) },
            [SortKey] = new() { S = KeyText.Join(Hex(hash), grainId.ToString(), reminderName) },
        };
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        string partition, string? sortCondition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        values[":pk"] = new AttributeValue { S = partition };
        var names = new Dictionary<string, string> { ["#pk"] = PartitionKey };
        if (sortCondition is not null)
        {
            names["#sk"] = SortKey;
        }

        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await _client.Value.QueryAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = sortCondition is null ? "#pk = :pk" : "#pk = :pk AND " + sortCondition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            items.AddRange(response.Items ?? []);
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return items;
    }

    private static ReminderEntry ToEntry(Dictionary<string, AttributeValue> item) => new()
    {
        GrainId = GrainId.Parse(item[GrainIdAttribute].S),
        ReminderName = item[NameAttribute].S,
        StartAt = new DateTime(long.Parse(item[StartAtAttribute].N, CultureInfo.InvariantCulture), DateTimeKind.Utc),
        Period = TimeSpan.FromTicks(long.Parse(item[PeriodAttribute].N, CultureInfo.InvariantCulture)),
        ETag = item[ETagAttribute].S,
    };

    private static string Hex(uint hash) => hash.ToString("X8", CultureInfo.InvariantCulture);

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
