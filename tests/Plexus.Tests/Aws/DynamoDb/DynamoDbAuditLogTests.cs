using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Plexus.Audit;
using Plexus.Aws.DynamoDb.Audit;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Tests.Unit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>The audit log contract on DynamoDB Local.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbAuditLogTests : AuditLogContractTests
{
    // Read per use, not in a static initializer, so a missing emulator fails each test with the message that says how to start it.
    private static string TablePrefix => DynamoDbLocal.TablePrefix("audit");

    private readonly List<DynamoDbAuditLog> _logs = [];

    protected override Task<IAuditLog> CreateLogAsync(string serviceId)
    {
        var log = new DynamoDbAuditLog(
            MsOptions.Create(new DynamoDbAuditLogOptions { TablePrefix = TablePrefix }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }),
            NullLogger<DynamoDbAuditLog>.Instance);
        _logs.Add(log);
        return Task.FromResult<IAuditLog>(log);
    }

    public override Task DisposeAsync()
    {
        foreach (var log in _logs)
        {
            log.Dispose();
        }

        return Task.CompletedTask;
    }
}
