using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Configuration;
using Orleans.Messaging;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Clustering;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Tests.Contracts;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>The membership table contract on DynamoDB Local.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbMembershipTableTests : MembershipTableContractTests
{
    // Read per use, not in a static initializer, so a missing emulator fails each test with the message that says how to start it.
    private static string TablePrefix => DynamoDbLocal.TablePrefix("membership");

    protected override async Task<IMembershipTable> CreateTableAsync(string clusterId)
    {
        var table = new DynamoDbMembershipTable(
            MsOptions.Create(new DynamoDbClusteringOptions { TablePrefix = TablePrefix }),
            MsOptions.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" }),
            NullLogger<DynamoDbMembershipTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return table;
    }

    protected override Task<IGatewayListProvider> CreateGatewayListProviderAsync(string clusterId) =>
        Task.FromResult<IGatewayListProvider>(new DynamoDbGatewayListProvider(
            MsOptions.Create(new DynamoDbGatewayOptions { TablePrefix = TablePrefix }),
            MsOptions.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" }),
            MsOptions.Create(new GatewayOptions()),
            NullLogger<DynamoDbGatewayListProvider>.Instance));
}
