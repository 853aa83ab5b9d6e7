using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Audit;
using Plexus.Aws.DynamoDb.Audit;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers the DynamoDB audit log on a silo.</summary>
public static class DynamoDbAuditLogExtensions
{
    /// <summary>Keeps the audit log in a DynamoDB table.</summary>
    public static ISiloBuilder UseDynamoDbAuditLog(this ISiloBuilder builder, Action<DynamoDbAuditLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services
            .AddDynamoDbOptions(configure, "DynamoDB audit log")
            .AddSingleton<IAuditLog, DynamoDbAuditLog>();
        return builder;
    }

    /// <summary>Keeps the audit log in a DynamoDB table configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder UseDynamoDbAuditLog(this ISiloBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbAuditLog(section.Bind);
    }
}
