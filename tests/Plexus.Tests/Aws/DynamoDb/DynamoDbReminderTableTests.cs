using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.DynamoDb.Reminders;
using Plexus.Tests.Unit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>The reminder table contract on DynamoDB Local, plus the hash-range splitting only this table does.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbReminderTableTests : ReminderTableContractTests
{
    // Read per use, not in a static initializer, so a missing emulator fails each test with the message that says how to start it.
    private static string TablePrefix => DynamoDbLocal.TablePrefix("reminders");

    private readonly List<DynamoDbReminderTable> _tables = [];

    protected override async Task<IReminderTable> CreateTableAsync(string serviceId)
    {
        var table = new DynamoDbReminderTable(
            MsOptions.Create(new DynamoDbReminderOptions { TablePrefix = TablePrefix }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }),
            NullLogger<DynamoDbReminderTable>.Instance);
        _tables.Add(table);
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    public override Task DisposeAsync()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(10u, 20u, new[] { 11u, 20u })]
    [InlineData(20u, 10u, new[] { 21u, uint.MaxValue, 0u, 10u })]
    [InlineData(uint.MaxValue, 10u, new[] { 0u, 10u })]
    [InlineData(0u, 0u, new[] { 1u, uint.MaxValue, 0u, 0u })]
    [InlineData(5u, uint.MaxValue, new[] { 6u, uint.MaxValue })]
    public void Ranges_OrleansRange_BecomesInclusiveRangesAboveBeginUpToEnd(uint begin, uint end, uint[] expected)
    {
        var ranges = DynamoDbReminderTable.Ranges(begin, end).SelectMany(r => new[] { r.Low, r.High });

        Assert.Equal(expected, ranges);
    }
}
