using Orleans.Runtime;

namespace Plexus.Persistence.Sqlite.Options;

/// <summary>Fails silo start-up with a clear message when the SQLite storage has no database path.</summary>
public sealed class SqliteGrainStorageOptionsValidator(SqliteGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw new OrleansConfigurationException(
                $"The SQLite grain storage '{name}' has no {nameof(SqliteGrainStorageOptions.DatabasePath)}: set the database file it keeps grain state in.");
        }
    }
}
