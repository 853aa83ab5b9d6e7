using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.DynamoDb.Reminders;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers the DynamoDB reminder table on a silo.</summary>
public static class DynamoDbReminderExtensions
{
    /// <summary>Adds the reminder service with its reminders kept in a DynamoDB table.</summary>
    public static ISiloBuilder UseDynamoDbReminders(this ISiloBuilder builder, Action<DynamoDbReminderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services
            .AddDynamoDbOptions(configure, "DynamoDB reminder table")
            .AddSingleton<IReminderTable, DynamoDbReminderTable>()
            .AddReminders();
        return builder;
    }

    /// <summary>Adds the reminder service with its reminders in a DynamoDB table configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder UseDynamoDbReminders(this ISiloBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbReminders(section.Bind);
    }
}
