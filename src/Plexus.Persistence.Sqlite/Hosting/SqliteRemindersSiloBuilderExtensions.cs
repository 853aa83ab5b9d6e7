using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Persistence.Sqlite.Reminders;

namespace Plexus.Persistence.Sqlite.Hosting;

/// <summary>Registers the SQLite reminder table on a silo.</summary>
public static class SqliteRemindersSiloBuilderExtensions
{
    /// <summary>Adds the reminder service with its reminders kept in a local SQLite file.</summary>
    public static ISiloBuilder UseSqliteReminders(this ISiloBuilder builder, Action<SqliteReminderTableOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddReminders();
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IReminderTable, SqliteReminderTable>();
        builder.Services.AddSingleton<IConfigurationValidator, SqliteReminderTableOptionsValidator>();
        return builder;
    }
}
