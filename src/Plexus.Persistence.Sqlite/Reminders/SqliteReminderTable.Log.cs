using Microsoft.Extensions.Logging;

namespace Plexus.Persistence.Sqlite.Reminders;

public sealed partial class SqliteReminderTable
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite reminder table ready at {Path} for service {ServiceId}")]
    private partial void LogInitialized(string path, string serviceId);
}
