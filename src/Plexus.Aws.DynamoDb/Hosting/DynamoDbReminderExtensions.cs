using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
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
        var services = builder.Services;
        services.AddReminders();
        services.Configure(configure);
        services.AddSingleton<IReminderTable, DynamoDbReminderTable>();
        services.AddSingleton<IConfigurationValidator>(sp => new DynamoDbOptionsValidator<DynamoDbReminderOptions>(
            sp.GetRequiredService<IOptions<DynamoDbReminderOptions>>().Value, "DynamoDB reminder table"));
        services.ConfigureFormatter<DynamoDbReminderOptions>();
        return builder;
    }

    /// <summary>Adds the reminder service with its reminders in a DynamoDB table configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder UseDynamoDbReminders(this ISiloBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbReminders(section.Bind);
    }
}
