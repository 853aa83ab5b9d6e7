namespace Plexus.Persistence.Sqlite.Options;

/// <summary>Settings of the action index kept in a local SQLite database file.</summary>
public sealed class SqliteActionIndexOptions
{
    /// <summary>Gets or sets the path of the database file; its folder is created if missing. Required.</summary>
    public string DatabasePath { get; set; } = "";
}
