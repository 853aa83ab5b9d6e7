using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Plexus.Actions;
using Plexus.Aws.DynamoDb.Indexing;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Queries;
using Plexus.Tests.Unit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>The action index contract on DynamoDB Local, plus what only this backend keeps: the time to live backstop.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbActionIndexTests : ActionIndexContractTests
{
    // Read per use, not in a static initializer, so a missing emulator fails each test with the message that says how to start it.
    private static string TablePrefix => DynamoDbLocal.TablePrefix("index");

    private readonly List<DynamoDbActionIndex> _indexes = [];

    protected override async Task<IActionIndex> CreateIndexAsync(string serviceId)
    {
        var index = new DynamoDbActionIndex(
            MsOptions.Create(new DynamoDbActionIndexOptions { TablePrefix = TablePrefix }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }),
            NullLogger<DynamoDbActionIndex>.Instance);
        _indexes.Add(index);
        await index.StartAsync(CancellationToken.None);
        return index;
    }

    private static ActionListItem Finished(DateTimeOffset? retainUntil, double? percent = null) => new()
    {
        Id = Guid.NewGuid(),
        Status = ActionStatus.Succeeded,
        Command = "evaluate",
        Submitter = "alice@lab",
        QueuedAt = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero),
        FinishedAt = new DateTimeOffset(2026, 11, 30, 8, 1, 0, TimeSpan.Zero),
        Percent = percent,
        Version = 4,
        RetainUntil = retainUntil,
    };

    private static async Task<Dictionary<string, AttributeValue>> StoredAsync(string serviceId)
    {
        using var client = DynamoDbLocal.Client();
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = TablePrefix + DynamoDbActionIndexOptions.DefaultTableName,
            KeyConditionExpression = "Pk = :pk",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = serviceId } },
        });
        return Assert.Single(response.Items);
    }

    [Fact]
    public async Task StartAsync_NewTable_TurnsTimeToLiveOnForTheExpiryAttribute()
    {
        using var client = DynamoDbLocal.Client();

        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = TablePrefix + DynamoDbActionIndexOptions.DefaultTableName });

        Assert.Equal("ExpiresAt", ttl.TimeToLiveDescription.AttributeName);
        Assert.Contains(ttl.TimeToLiveDescription.TimeToLiveStatus.Value, new[] { "ENABLED", "ENABLING" });
    }

    [Fact]
    public async Task UpsertAsync_FinishedAction_SetsTheExpiryOneDayAfterItsRetention()
    {
        var retainUntil = new DateTimeOffset(2026, 12, 30, 8, 1, 0, TimeSpan.Zero);

        await Index.UpsertAsync(Finished(retainUntil));
        var stored = await StoredAsync(ServiceId);

        Assert.Equal(retainUntil.AddDays(1).ToUnixTimeSeconds(), long.Parse(stored["ExpiresAt"].N, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UpsertAsync_UnfinishedOrKeptForever_HasNoExpiryBeforeItsEnd()
    {
        await Index.UpsertAsync(Finished(retainUntil: null));
        var unfinished = await StoredAsync(ServiceId);
        var serviceId = "plexus-test-" + Guid.NewGuid().ToString("N");
        var forever = await CreateIndexAsync(serviceId);

        await forever.UpsertAsync(Finished(DateTimeOffset.MaxValue));
        var kept = await StoredAsync(serviceId);

        Assert.False(unfinished.ContainsKey("ExpiresAt"));
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeSeconds() + 86_400, long.Parse(kept["ExpiresAt"].N, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0.00001)]
    [InlineData(1e-300)]
    [InlineData(100.0 / 3)]
    public async Task UpsertAsync_AnyPercent_RoundTripsExactly(double percent)
    {
        var item = Finished(retainUntil: null, percent);

        await Index.UpsertAsync(item);

        Assert.Equal(percent, Assert.Single((await Index.QueryAsync(new ActionQuery())).Items).Percent);
    }

    [Fact]
    public async Task QueryAsync_CursorOlderThanSince_ReturnsNoItemsButTheWindowsCounts()
    {
        var item = Finished(retainUntil: null);
        await Index.UpsertAsync(item);
        var cursor = new ActionCursor(item.QueuedAt.AddHours(-1), Guid.Empty).ToString();

        var page = await Index.QueryAsync(new ActionQuery { Since = item.QueuedAt, Cursor = cursor });
        var atTheStartOfTime = await Index.QueryAsync(new ActionQuery { Until = DateTimeOffset.MinValue.AddTicks(1), Cursor = new ActionCursor(DateTimeOffset.MinValue, Guid.Empty).ToString() });

        Assert.Empty(page.Items);
        Assert.Null(page.Next);
        Assert.Equal(new Dictionary<ActionStatus, long> { [ActionStatus.Succeeded] = 1 }, page.Counts);
        Assert.Empty(atTheStartOfTime.Items);
        Assert.Empty(atTheStartOfTime.Counts);
    }

    public override Task DisposeAsync()
    {
        foreach (var index in _indexes)
        {
            index.Dispose();
        }

        return Task.CompletedTask;
    }
}
