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
using static Plexus.Aws.Client.MembershipRecords;

namespace Plexus.Aws.DynamoDb.Clustering;

/// <summary>
/// The Orleans membership table on DynamoDB. Every change of a silo row is one <c>TransactWriteItems</c> call that
/// also replaces the cluster's version row, conditioned on the etag the caller read: of several silos that write
/// from the same table version exactly one succeeds, and the others get false and read again.
/// </summary>
public sealed partial class DynamoDbMembershipTable : IMembershipTable, IDisposable
{
    private const int MaxReadAttempts = 10;
    private const string ConditionalCheckFailed = "ConditionalCheckFailed";
    private const string TransactionConflict = "TransactionConflict";

    private readonly DynamoDbClusteringOptions _options;
    private readonly string _clusterId;
    private readonly ILogger<DynamoDbMembershipTable> _logger;
    private readonly ProviderClient<IAmazonDynamoDB> _client;
    private readonly string _table;

    /// <summary>
    /// Creates the table for the cluster named by <see cref="ClusterOptions.ClusterId"/>. It uses
    /// <paramref name="client"/> (in a container: the keyed service <see cref="DynamoDbClusteringOptions.ClientKey"/>)
    /// when given, else a client built from <paramref name="options"/>.
    /// </summary>
    public DynamoDbMembershipTable(
        IOptions<DynamoDbClusteringOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<DynamoDbMembershipTable> logger,
        [FromKeyedServices(DynamoDbClusteringOptions.ClientKey)] IAmazonDynamoDB? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _options = options.Value;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        _client = new(client, () => DynamoDbClientFactory.Create(_options));
        _table = _options.FullTableName;
    }

    /// <inheritdoc />
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await DynamoDbTables.EnsureTableAsync(_client.Value, _options, KeySchema, AttributeDefinitions, [], _logger, cancellationToken).ConfigureAwait(false);
        if (!tryInitTableVersion)
        {
            return;
        }

        var versionRow = Key(_clusterId, VersionRowKey);
        versionRow[TableVersionNumber] = Number(0);
        versionRow[ETag] = new AttributeValue { S = NewETag() };
        try
        {
            await _client.Value.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = versionRow,
                ConditionExpression = "attribute_not_exists(#key)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#key"] = RowKey },
            }, cancellationToken).ConfigureAwait(false);
            LogVersionRowCreated(_table, _clusterId);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another silo of the cluster created it first: that is the row everyone uses.
        }
    }

    /// <inheritdoc />
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        var keys = (await QueryPartitionAsync(clusterId, cancellationToken).ConfigureAwait(false))
            .Select(item => Key(clusterId, item[RowKey].S))
            .ToList();
        await DeleteAllAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        var defunct = (await QueryPartitionAsync(_clusterId, cancellationToken).ConfigureAwait(false))
            .Where(item => item[RowKey].S != VersionRowKey)
            .Where(item => (SiloStatus)IntOf(item, Status) == SiloStatus.Dead)
            .Where(item => LastSeen(item) < beforeDate.UtcDateTime)
            .ToList();
        foreach (var item in defunct)
        {
            try
            {
                // Only while it is still dead: a row reused meanwhile is not ours to delete.
                await _client.Value.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = _table,
                    Key = Key(_clusterId, item[RowKey].S),
                    ConditionExpression = "#status = :dead",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = Status },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":dead"] = Number((int)SiloStatus.Dead) },
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
            }
        }

        LogDefunctRemoved(defunct.Count, _clusterId, beforeDate);
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        // One transactional read gives the row and the version as they were at the same moment.
        var response = await _client.Value.TransactGetItemsAsync(new TransactGetItemsRequest
        {
            TransactItems =
            [
                new TransactGetItem { Get = new Get { TableName = _table, Key = Key(_clusterId, SiloKey(key)) } },
                new TransactGetItem { Get = new Get { TableName = _table, Key = Key(_clusterId, VersionRowKey) } },
            ],
        }, cancellationToken).ConfigureAwait(false);
        var silo = response.Responses?[0].Item;
        var version = ToTableVersion(response.Responses?[1].Item);
        var rows = new List<Tuple<MembershipEntry, string>>();
        if (silo is { Count: > 0 })
        {
            rows.Add(Tuple.Create(ToEntry(silo), silo[ETag].S));
        }

        return new MembershipTableData(rows, version);
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        // A query of the partition is not one snapshot. The version row changes with every membership change, so
        // reading it before the query and finding it unchanged in the query's result proves that no change
        // happened in between; otherwise read again.
        for (var attempt = 1; ; attempt++)
        {
            var before = await _client.Value.GetItemAsync(new GetItemRequest
            {
                TableName = _table,
                Key = Key(_clusterId, VersionRowKey),
                ConsistentRead = true,
            }, cancellationToken).ConfigureAwait(false);
            var items = await QueryPartitionAsync(_clusterId, cancellationToken).ConfigureAwait(false);
            var versionItem = items.FirstOrDefault(i => i[RowKey].S == VersionRowKey);
            var expected = before.Item is { Count: > 0 } ? before.Item[ETag].S : null;
            if (versionItem?[ETag].S == expected || attempt == MaxReadAttempts)
            {
                if (attempt == MaxReadAttempts && versionItem?[ETag].S != expected)
                {
                    LogReadAllUnsettled(_clusterId, attempt);
                }

                var rows = items
                    .Where(i => i[RowKey].S != VersionRowKey)
                    .Select(i => Tuple.Create(ToEntry(i), i[ETag].S))
                    .ToList();
                return new MembershipTableData(rows, ToTableVersion(versionItem));
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var put = new Put
        {
            TableName = _table,
            Item = ToItem(_clusterId, entry, NewETag(), tableVersion.Version),
            ConditionExpression = "attribute_not_exists(#key)",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#key"] = RowKey },
        };
        return WriteWithVersionAsync(put, tableVersion, entry, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var put = new Put
        {
            TableName = _table,
            Item = ToItem(_clusterId, entry, NewETag(), tableVersion.Version),
            ConditionExpression = "#etag = :etag",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#etag"] = ETag },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":etag"] = new() { S = etag ?? "" } },
        };
        return WriteWithVersionAsync(put, tableVersion, entry, cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Only the alive time changes: neither the row's etag nor the table version, so it never makes a
        // concurrent membership change fail.
        try
        {
            await _client.Value.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(_clusterId, SiloKey(entry.SiloAddress)),
                UpdateExpression = "SET #alive = :alive",
                ConditionExpression = "attribute_exists(#key)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#alive"] = IAmAliveTime, ["#key"] = RowKey },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":alive"] = Ticks(entry.IAmAliveTime) },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            LogIAmAliveForMissingRow(entry.SiloAddress, _clusterId);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    [Obsolete("The runtime calls InitializeMembershipTableAsync.")]
    Task IMembershipTable.InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    [Obsolete("The runtime calls DeleteMembershipTableEntriesAsync.")]
    Task IMembershipTable.DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    [Obsolete("The runtime calls CleanupDefunctSiloEntriesAsync.")]
    Task IMembershipTable.CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    [Obsolete("The runtime calls ReadRowAsync.")]
    Task<MembershipTableData> IMembershipTable.ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    [Obsolete("The runtime calls ReadAllAsync.")]
    Task<MembershipTableData> IMembershipTable.ReadAll() => ReadAllAsync(CancellationToken.None);

    [Obsolete("The runtime calls InsertRowAsync.")]
    Task<bool> IMembershipTable.InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    [Obsolete("The runtime calls UpdateRowAsync.")]
    Task<bool> IMembershipTable.UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    [Obsolete("The runtime calls UpdateIAmAliveAsync.")]
    Task IMembershipTable.UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    private Task<List<Dictionary<string, AttributeValue>>> QueryPartitionAsync(string clusterId, CancellationToken cancellationToken) =>
        MembershipRecords.QueryPartitionAsync(_client.Value, _table, clusterId, cancellationToken);

    private async Task<bool> WriteWithVersionAsync(Put silo, TableVersion tableVersion, MembershipEntry entry, CancellationToken cancellationToken)
    {
        var version = new Update
        {
            TableName = _table,
            Key = Key(_clusterId, VersionRowKey),
            UpdateExpression = "SET #version = :version, #etag = :newEtag",
            ConditionExpression = "#etag = :etag",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#version"] = TableVersionNumber, ["#etag"] = ETag },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":version"] = Number(tableVersion.Version),
                [":newEtag"] = new() { S = NewETag() },
                [":etag"] = new() { S = tableVersion.VersionEtag ?? "" },
            },
        };
        try
        {
            await _client.Value.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems = [new TransactWriteItem { Put = silo }, new TransactWriteItem { Update = version }],
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException ex) when (LostTheRace(ex))
        {
            LogWriteRefused(entry.SiloAddress, entry.Status, tableVersion.Version, _clusterId);
            return false;
        }
    }

    // A failed condition means the row or the version changed since the caller read them; a conflict means another
    // membership write on the same rows is under way. Either way nothing was written and the caller must read again.
    private static bool LostTheRace(TransactionCanceledException exception) =>
        exception.CancellationReasons is { } reasons
        && reasons.Any(r => r.Code is ConditionalCheckFailed or TransactionConflict)
        && reasons.All(r => r.Code is ConditionalCheckFailed or TransactionConflict or "None" or null);

    private async Task DeleteAllAsync(List<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        foreach (var batch in keys.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [_table] = batch.Select(k => new WriteRequest { DeleteRequest = new DeleteRequest { Key = k } }).ToList(),
            };
            while (pending is { Count: > 0 })
            {
                var response = await _client.Value.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
                pending = response.UnprocessedItems;
            }
        }
    }

    private static DateTime LastSeen(Dictionary<string, AttributeValue> item)
    {
        var start = TimeOf(item, StartTime);
        var alive = TimeOf(item, IAmAliveTime);
        return alive > start ? alive : start;
    }

    private static TableVersion ToTableVersion(Dictionary<string, AttributeValue>? item) =>
        item is { Count: > 0 } ? new TableVersion(IntOf(item, TableVersionNumber), item[ETag].S) : new TableVersion(0, "");

    private static string NewETag() => Guid.NewGuid().ToString("N");
}
