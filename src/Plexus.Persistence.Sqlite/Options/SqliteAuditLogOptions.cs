namespace Plexus.Persistence.Sqlite.Options;

/// <summary>Settings of the audit log kept in a local SQLite database file.</summary>
public sealed class SqliteAuditLogOptions
{
    /// <summary>Gets or sets the path of the database file; its folder is created if missing. Required.</summary>
    public string DatabasePath { get; set; } = "";
}
