using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Plexus.Persistence.Sqlite.Options;

/// <summary>Fails silo start-up with a clear message when the SQLite reminder table has no database path.</summary>
public sealed class SqliteReminderTableOptionsValidator(IOptions<SqliteReminderTableOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Value.DatabasePath))
        {
            throw new OrleansConfigurationException(
                $"The SQLite reminder table has no {nameof(SqliteReminderTableOptions.DatabasePath)}: set the database file it keeps reminders in.");
        }
    }
}
