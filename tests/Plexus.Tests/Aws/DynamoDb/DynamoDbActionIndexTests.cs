using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
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

    public override Task DisposeAsync()
    {
        foreach (var index in _indexes)
        {
            index.Dispose();
        }

        return Task.CompletedTask;
    }
}
