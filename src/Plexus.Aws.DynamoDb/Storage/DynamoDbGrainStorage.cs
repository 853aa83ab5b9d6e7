using System.Globalization;
using System.IO.Compression;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Internal;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Storage;

/// <summary>
/// Grain storage in a DynamoDB table, with etags that change on every write and conditional writes so a stale etag
/// or a second first-write changes nothing and raises <see cref="InconsistentStateException"/>.
/// </summary>
/// <remarks>
/// <para>
/// Layout: every state is one partition (key: service id, grain id, state name). Its <c>head</c> item holds the
/// etag and, for a state that fits, the data itself. The data is the serialized state, GZip-compressed when that
/// makes it smaller.
/// </para>
/// <para>
/// States larger than one item (DynamoDB allows 400 KB) are cut into chunk items in the same partition, named by a
/// chunk-set id that is new for every write. A transaction cannot carry them (100 items and 4 MB at most), so a
/// write goes in three steps: (1) the chunks of the new set are put; nobody reads them yet, because the head does
/// not name them; (2) the head is replaced with a condition on the caller's etag and now names the new set: this
/// single conditional put is the commit point, so exactly one of several writers from the same etag wins and a
/// loser changes nothing visible; (3) the chunks of the set the old head named (returned by the put) are deleted,
/// and a loser deletes its own. A reader that loses a race with step 3 (its chunks are gone) reads the head again.
/// A process that dies between steps leaves unnamed chunks behind, which are never read; with
/// <see cref="DynamoDbGrainStorageOptions.TimeToLive"/> set they expire like everything else.
/// Nothing is ever cut: a state above <see cref="DynamoDbGrainStorageOptions.MaxStateSize"/> is refused.
/// </para>
/// </remarks>
public sealed partial class DynamoDbGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string PartitionKey = "Pk";
    private const string SortKey = "Sk";
    private const string HeadKey = "head";
    private const string ChunkPrefix = "chunk|";
    private const string ETagAttribute = "ETag";
    private const string DataAttribute = "Data";
    private const string EncodingAttribute = "Encoding";
    private const string ChunkSetAttribute = "ChunkSet";
    private const string ChunkCountAttribute = "ChunkCount";
    private const string LengthAttribute = "Length";
    private const string ModifiedAttribute = "Modified";
    private const string GZip = "gzip";
    private const string Plain = "none";
    private const int MaxReadAttempts = 5;
    private const int ChunkWriteBatch = 10;

    // Below the 400 KB item limit with room for the key (up to 2 KB) and the other attributes.
    internal const int ChunkSize = 350 * 1024;

    // Small states are stored as they are: compressing a few hundred bytes rarely pays.
    private const int CompressAbove = 1024;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly DynamoDbGrainStorageOptions _options;
    private readonly ILogger<DynamoDbGrainStorage> _logger;
    private readonly ProviderClient<IAmazonDynamoDB> _client;
    private readonly string _table;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates a storage named <paramref name="name"/> for the service <paramref name="serviceId"/>. It uses
    /// <paramref name="client"/> (registered by name: a keyed service under <paramref name="name"/>) when given, else
    /// a client built from <paramref name="options"/>.
    /// </summary>
    public DynamoDbGrainStorage(
        string name,
        string serviceId,
        DynamoDbGrainStorageOptions options,
        ILogger<DynamoDbGrainStorage> logger,
        TimeProvider? time = null,
        IAmazonDynamoDB? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _serviceId = serviceId;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _client = new(client, () => DynamoDbClientFactory.Create(options));
        _table = options.FullTableName;
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<DynamoDbGrainStorage>(_name), _options.InitStage, InitializeAsync);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var pk = PartitionOf(stateName, grainId);
        for (var attempt = 1; ; attempt++)
        {
            var head = await GetHeadAsync(pk, cancellationToken).ConfigureAwait(false);
            if (head is null)
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
                return;
            }

            var encoded = await ReadDataAsync(pk, head, cancellationToken).ConfigureAwait(false);
            if (encoded is null)
            {
                // The head named a chunk set that a newer write has replaced and deleted since: read the new head.
                if (attempt < MaxReadAttempts)
                {
                    continue;
                }

                throw new OrleansException(
                    $"DynamoDB storage '{_name}': the state {stateName} of {grainId} kept changing while it was read ({attempt} attempts).");
            }

            var payload = Decode(encoded, head[EncodingAttribute].S);
            grainState.State = _options.GrainStorageSerializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = head[ETagAttribute].S;
            grainState.RecordExists = true;
            return;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var pk = PartitionOf(stateName, grainId);
        var payload = _options.GrainStorageSerializer.Serialize(grainState.State).ToMemory();
        var (encoded, encoding) = Encode(payload);
        if (encoded.Length > _options.MaxStateSize)
        {
            throw new GrainStateTooLargeException(
                $"DynamoDB storage '{_name}': the state {stateName} of {grainId} is {encoded.Length} bytes after compression, " +
                $"above {nameof(DynamoDbGrainStorageOptions.MaxStateSize)} ({_options.MaxStateSize} bytes); nothing was written.");
        }

        var etag = Guid.NewGuid().ToString("N");
        var head = new Dictionary<string, AttributeValue>
        {
            [PartitionKey] = new() { S = pk },
            [SortKey] = new() { S = HeadKey },
            [ETagAttribute] = new() { S = etag },
            [EncodingAttribute] = new() { S = encoding },
            [LengthAttribute] = Number(encoded.Length),
            [ModifiedAttribute] = Number(_time.GetUtcNow().ToUnixTimeMilliseconds()),
        };
        StampExpiry(head);

        List<Dictionary<string, AttributeValue>>? newChunks = null;
        if (encoded.Length <= ChunkSize)
        {
            head[DataAttribute] = new AttributeValue { B = new MemoryStream(encoded, writable: false) };
        }
        else
        {
            // The new etag names the chunk set: unique per write, so a loser's chunks never mix with the winner's.
            newChunks = ChunkItems(pk, etag, encoded);
            head[ChunkSetAttribute] = new AttributeValue { S = etag };
            head[ChunkCountAttribute] = Number(newChunks.Count);
            try
            {
                await PutAllAsync(newChunks, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonDynamoDBException or OperationCanceledException)
            {
                // Nothing names these chunks yet: remove what was written and report the failure unchanged.
                await DeleteChunksAsync(pk, etag, newChunks.Count, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        var request = new PutItemRequest
        {
            TableName = _table,
            Item = head,
            ReturnValues = ReturnValue.ALL_OLD,
        };
        (request.ConditionExpression, request.ExpressionAttributeNames, request.ExpressionAttributeValues) = Condition(grainState.ETag);

        PutItemResponse response;
        try
        {
            response = await _client.Value.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            if (newChunks is not null)
            {
                await DeleteChunksAsync(pk, etag, newChunks.Count, cancellationToken).ConfigureAwait(false);
            }

            throw Inconsistent(stateName, grainId, grainState.ETag, grainState.ETag is null
                ? "the state was already written"
                : "the state was changed or cleared since it was read");
        }

        await DeleteOldChunksAsync(pk, response.Attributes, cancellationToken).ConfigureAwait(false);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var pk = PartitionOf(stateName, grainId);
        var request = new DeleteItemRequest
        {
            TableName = _table,
            Key = HeadItemKey(pk),
            ReturnValues = ReturnValue.ALL_OLD,
        };

        // Without an etag the caller has seen no stored state, so there must be none (an expired one counts as none).
        (request.ConditionExpression, request.ExpressionAttributeNames, request.ExpressionAttributeValues) = Condition(grainState.ETag);
        try
        {
            var response = await _client.Value.DeleteItemAsync(request, cancellationToken).ConfigureAwait(false);
            await DeleteOldChunksAsync(pk, response.Attributes, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, grainState.ETag is null
                ? "the state was written since it was read"
                : "the state was changed or cleared since it was read");
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    internal static IReadOnlyList<KeySchemaElement> KeySchema { get; } =
        [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(SortKey, KeyType.RANGE)];

    internal static IReadOnlyList<AttributeDefinition> AttributeDefinitions { get; } =
        [new AttributeDefinition(PartitionKey, ScalarAttributeType.S), new AttributeDefinition(SortKey, ScalarAttributeType.S)];

    /// <summary>Creates the table if needed and, with a time to live, turns DynamoDB's expiry on.</summary>
    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await DynamoDbTables.EnsureTableAsync(_client.Value, _options, KeySchema, AttributeDefinitions, [], _logger, cancellationToken).ConfigureAwait(false);
        if (_options.TimeToLive.HasValue)
        {
            await DynamoDbTables.EnsureTimeToLiveAsync(_client.Value, _table, _options.TimeToLiveAttribute, _logger, cancellationToken).ConfigureAwait(false);
        }

        LogInitialized(_name, _table);
    }

    /// <summary>Counts the items, head and chunks, a state occupies; for tests of the chunk clean-up.</summary>
    internal async Task<int> CountItemsAsync(string stateName, GrainId grainId, CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var _ in QueryAsync(PartitionOf(stateName, grainId), null, keysOnly: true, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private string PartitionOf(string stateName, GrainId grainId) => KeyText.Join(_serviceId, grainId.ToString(), stateName);

    // With an etag the head must still carry it; without one there must be no head, or only an expired one.
    private (string Condition, Dictionary<string, string> Names, Dictionary<string, AttributeValue>? Values) Condition(string? etag)
    {
        if (etag is not null)
        {
            return ("#etag = :etag",
                new Dictionary<string, string> { ["#etag"] = ETagAttribute },
                new Dictionary<string, AttributeValue> { [":etag"] = new() { S = etag } });
        }

        if (!_options.TimeToLive.HasValue)
        {
            return ("attribute_not_exists(#pk)", new Dictionary<string, string> { ["#pk"] = PartitionKey }, null);
        }

        return ("attribute_not_exists(#pk) OR #expires <= :now",
            new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#expires"] = _options.TimeToLiveAttribute },
            new Dictionary<string, AttributeValue> { [":now"] = Number(_time.GetUtcNow().ToUnixTimeSeconds()) });
    }

    private async Task<Dictionary<string, AttributeValue>?> GetHeadAsync(string pk, CancellationToken cancellationToken)
    {
        var response = await _client.Value.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = HeadItemKey(pk),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        var head = response.Item;
        if (head is not { Count: > 0 } || IsExpired(head))
        {
            return null;
        }

        return head;
    }

    private async Task<byte[]?> ReadDataAsync(string pk, Dictionary<string, AttributeValue> head, CancellationToken cancellationToken)
    {
        if (head.TryGetValue(DataAttribute, out var inline))
        {
            return inline.B.ToArray();
        }

        var set = head[ChunkSetAttribute].S;
        var expectedCount = int.Parse(head[ChunkCountAttribute].N, CultureInfo.InvariantCulture);
        var length = int.Parse(head[LengthAttribute].N, CultureInfo.InvariantCulture);
        var data = new byte[length];
        var offset = 0;
        var count = 0;
        await foreach (var chunk in QueryAsync(pk, ChunkPrefix + set + "|", keysOnly: false, cancellationToken).ConfigureAwait(false))
        {
            var bytes = chunk[DataAttribute].B;
            if (offset + bytes.Length > length)
            {
                return null;
            }

            bytes.Position = 0;
            await bytes.ReadExactlyAsync(data.AsMemory(offset, (int)bytes.Length), cancellationToken).ConfigureAwait(false);
            offset += (int)bytes.Length;
            count++;
        }

        return count == expectedCount && offset == length ? data : null;
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAsync(
        string pk, string? sortKeyPrefix, bool keysOnly, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = sortKeyPrefix is null ? "#pk = :pk" : "#pk = :pk AND begins_with(#sk, :prefix)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = pk } },
                ExclusiveStartKey = start,
            };
            if (sortKeyPrefix is not null)
            {
                request.ExpressionAttributeNames["#sk"] = SortKey;
                request.ExpressionAttributeValues[":prefix"] = new AttributeValue { S = sortKeyPrefix };
            }

            if (keysOnly)
            {
                request.ExpressionAttributeNames["#sk"] = SortKey;
                request.ProjectionExpression = "#pk, #sk";
            }

            var response = await _client.Value.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    private List<Dictionary<string, AttributeValue>> ChunkItems(string pk, string set, byte[] encoded)
    {
        var chunks = new List<Dictionary<string, AttributeValue>>();
        for (int offset = 0, index = 0; offset < encoded.Length; offset += ChunkSize, index++)
        {
            var length = Math.Min(ChunkSize, encoded.Length - offset);
            var chunk = ChunkKey(pk, set, index);
            chunk[DataAttribute] = new AttributeValue { B = new MemoryStream(encoded, offset, length, writable: false) };
            StampExpiry(chunk);
            chunks.Add(chunk);
        }

        return chunks;
    }

    private async Task PutAllAsync(List<Dictionary<string, AttributeValue>> items, CancellationToken cancellationToken)
    {
        foreach (var batch in items.Chunk(ChunkWriteBatch))
        {
            await WriteBatchAsync(batch.Select(i => new WriteRequest { PutRequest = new PutRequest { Item = i } }).ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteOldChunksAsync(string pk, Dictionary<string, AttributeValue>? oldHead, CancellationToken cancellationToken)
    {
        if (oldHead is not null
            && oldHead.TryGetValue(ChunkSetAttribute, out var set)
            && oldHead.TryGetValue(ChunkCountAttribute, out var count))
        {
            await DeleteChunksAsync(pk, set.S, int.Parse(count.N, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
    }

    // Best effort: the write or clear has already taken effect; chunks left behind are never read.
    private async Task DeleteChunksAsync(string pk, string set, int count, CancellationToken cancellationToken)
    {
        try
        {
            var deletes = Enumerable.Range(0, count)
                .Select(i => new WriteRequest { DeleteRequest = new DeleteRequest { Key = ChunkKey(pk, set, i) } })
                .ToList();
            foreach (var batch in deletes.Chunk(25))
            {
                await WriteBatchAsync(batch.ToList(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is AmazonDynamoDBException or OperationCanceledException)
        {
            LogChunkCleanupFailed(ex, _name, set);
        }
    }

    private async Task WriteBatchAsync(List<WriteRequest> requests, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<string, List<WriteRequest>> { [_table] = requests };
        for (var attempt = 0; pending is { Count: > 0 }; attempt++)
        {
            if (attempt > 0)
            {
                // Unprocessed items mean the table is throttling: back off before sending them again.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * (1 << Math.Min(attempt, 6)), 2000)), cancellationToken).ConfigureAwait(false);
            }

            var response = await _client.Value.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
            pending = response.UnprocessedItems;
        }
    }

    private void StampExpiry(Dictionary<string, AttributeValue> item)
    {
        if (_options.TimeToLive is { } ttl)
        {
            item[_options.TimeToLiveAttribute] = Number((_time.GetUtcNow() + ttl).ToUnixTimeSeconds());
        }
    }

    private bool IsExpired(Dictionary<string, AttributeValue> item) =>
        _options.TimeToLive.HasValue
        && item.TryGetValue(_options.TimeToLiveAttribute, out var expires)
        && expires.N is { } n
        && long.Parse(n, CultureInfo.InvariantCulture) <= _time.GetUtcNow().ToUnixTimeSeconds();

    private static (byte[] Data, string Encoding) Encode(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > CompressAbove)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(payload.Span);
            }

            if (buffer.Length < payload.Length)
            {
                return (buffer.ToArray(), GZip);
            }
        }

        return (payload.ToArray(), Plain);
    }

    private static byte[] Decode(byte[] data, string encoding)
    {
        switch (encoding)
        {
            case Plain:
                return data;
            case GZip:
                using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    gzip.CopyTo(output);
                    return output.ToArray();
                }

            default:
                throw new OrleansException($"Stored grain state has the unknown encoding '{encoding}'.");
        }
    }

    private static Dictionary<string, AttributeValue> HeadItemKey(string pk) => new()
    {
        [PartitionKey] = new AttributeValue { S = pk },
        [SortKey] = new AttributeValue { S = HeadKey },
    };

    private static Dictionary<string, AttributeValue> ChunkKey(string pk, string set, int index) => new()
    {
        [PartitionKey] = new AttributeValue { S = pk },
        [SortKey] = new AttributeValue { S = string.Create(CultureInfo.InvariantCulture, $"{ChunkPrefix}{set}|{index:D6}") },
    };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? etag, string why)
    {
        LogInconsistent(_name, stateName, grainId, etag);
        var message = $"DynamoDB storage '{_name}': write of {stateName} for {grainId} with etag '{etag ?? "(none)"}' refused: {why}.";
        return new InconsistentStateException(message, storedEtag: "(unknown)", currentEtag: etag ?? "(none)");
    }
}
