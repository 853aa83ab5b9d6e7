using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;

namespace Plexus.Aws.Client;

/// <summary>
/// How membership rows look in the table. One partition per cluster (<see cref="ClusterId"/>); in it one row per silo
/// keyed by its address, and one version row whose etag changes with every membership change. Times are kept as UTC
/// ticks so they come back exactly. The silos' membership table writes these rows; clients read them to find gateways.
/// </summary>
internal static class MembershipRecords
{
    public const string ClusterId = "ClusterId";
    public const string RowKey = "RowKey";
    public const string VersionRowKey = "#version";
    public const string ETag = "ETag";
    public const string TableVersionNumber = "Version";
    public const string SiloAddress = "SiloAddress";
    public const string Status = "Status";
    public const string ProxyPort = "ProxyPort";
    public const string HostName = "HostName";
    public const string SiloName = "SiloName";
    public const string RoleName = "RoleName";
    public const string UpdateZone = "UpdateZone";
    public const string FaultZone = "FaultZone";
    public const string StartTime = "StartTime";
    public const string IAmAliveTime = "IAmAliveTime";
    public const string SuspectTimes = "SuspectTimes";
    public const string Suspecter = "Silo";
    public const string SuspectTime = "Time";

    public static IReadOnlyList<KeySchemaElement> KeySchema { get; } =
    [
        new KeySchemaElement(ClusterId, KeyType.HASH),
        new KeySchemaElement(RowKey, KeyType.RANGE),
    ];

    public static IReadOnlyList<AttributeDefinition> AttributeDefinitions { get; } =
    [
        new AttributeDefinition(ClusterId, ScalarAttributeType.S),
        new AttributeDefinition(RowKey, ScalarAttributeType.S),
    ];

    /// <summary>Every row of the cluster's partition (silo rows and the version row), read consistently, page by page.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryPartitionAsync(
        IAmazonDynamoDB client, string table, string clusterId, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "#cluster = :cluster",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#cluster"] = ClusterId },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":cluster"] = new() { S = clusterId } },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            if (response.Items is { } page)
            {
                items.AddRange(page);
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return items;
    }

    public static Dictionary<string, AttributeValue> Key(string clusterId, string rowKey) => new()
    {
        [ClusterId] = new AttributeValue { S = clusterId },
        [RowKey] = new AttributeValue { S = rowKey },
    };

    public static string SiloKey(SiloAddress address) => address.ToParsableString();

    public static Dictionary<string, AttributeValue> ToItem(string clusterId, MembershipEntry entry, string etag, int version)
    {
        var item = Key(clusterId, SiloKey(entry.SiloAddress));
        item[ETag] = new AttributeValue { S = etag };
        item[TableVersionNumber] = Number(version);
        item[SiloAddress] = new AttributeValue { S = entry.SiloAddress.ToParsableString() };
        item[Status] = Number((int)entry.Status);
        item[ProxyPort] = Number(entry.ProxyPort);
        item[UpdateZone] = Number(entry.UpdateZone);
        item[FaultZone] = Number(entry.FaultZone);
        item[StartTime] = Ticks(entry.StartTime);
        item[IAmAliveTime] = Ticks(entry.IAmAliveTime);
        AddText(item, HostName, entry.HostName);
        AddText(item, SiloName, entry.SiloName);
        AddText(item, RoleName, entry.RoleName);
        if (entry.SuspectTimes is { Count: > 0 } suspects)
        {
            item[SuspectTimes] = new AttributeValue
            {
                L = suspects.Select(s => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>
                    {
                        [Suspecter] = new() { S = s.Item1.ToParsableString() },
                        [SuspectTime] = Ticks(s.Item2),
                    },
                }).ToList(),
            };
        }

        return item;
    }

    public static MembershipEntry ToEntry(Dictionary<string, AttributeValue> item) => new()
    {
        SiloAddress = Orleans.Runtime.SiloAddress.FromParsableString(item[SiloAddress].S),
        Status = (SiloStatus)IntOf(item, Status),
        ProxyPort = IntOf(item, ProxyPort),
        UpdateZone = IntOf(item, UpdateZone),
        FaultZone = IntOf(item, FaultZone),
        StartTime = TimeOf(item, StartTime),
        IAmAliveTime = TimeOf(item, IAmAliveTime),
        HostName = TextOf(item, HostName)!,
        SiloName = TextOf(item, SiloName)!,
        RoleName = TextOf(item, RoleName),
        SuspectTimes = item.TryGetValue(SuspectTimes, out var list) && list.L is { } values
            ? values.Select(v => Tuple.Create(Orleans.Runtime.SiloAddress.FromParsableString(v.M[Suspecter].S), TimeOf(v.M, SuspectTime))).ToList()
            : [],
    };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    // Orleans keeps membership times in UTC; an unspecified kind is taken as UTC rather than shifted by the local zone.
    public static AttributeValue Ticks(DateTime time) => Number(time.Kind == DateTimeKind.Local ? time.ToUniversalTime().Ticks : time.Ticks);

    public static int IntOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

    public static DateTime TimeOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n
            ? new DateTime(long.Parse(n, CultureInfo.InvariantCulture), DateTimeKind.Utc)
            : default;

    private static string? TextOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    // DynamoDB refuses empty strings in key attributes only, but an absent attribute reads back as null exactly.
    private static void AddText(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = new AttributeValue { S = value };
        }
    }
}
