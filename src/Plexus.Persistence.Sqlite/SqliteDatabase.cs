using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Plexus.Persistence.Sqlite;

/// <summary>
/// Opens connections to one local SQLite file the way every table of this package needs them: WAL journaling,
/// durable commits and a long busy timeout, because several silos of one machine may share the file.
/// </summary>
internal sealed class SqliteDatabase(string path)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
    }.ToString();

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private Task? _initialized;

    /// <summary>Gets the full path of the database file.</summary>
    public string FullPath { get; } = Path.GetFullPath(path);

    /// <summary>Creates the file's folder, switches the file to WAL journaling and runs <paramref name="schema"/>.</summary>
    public async Task InitializeAsync(string schema, CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(FullPath) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <see cref="InitializeAsync"/> with <paramref name="schema"/> once, on first use; a failed run is tried again by the next call.</summary>
    public Task EnsureInitializedAsync(string schema, CancellationToken cancellationToken)
    {
        var initialized = _initialized;
        return initialized is { IsCompletedSuccessfully: true } ? initialized : _initialized = InitializeAsync(schema, cancellationToken);
    }

    /// <summary>Opens a pooled connection.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // A pooled connection keeps its SQLite handle, and the handle its settings: they are set once per handle,
        // not on every open, which was one statement more for each of an action's seven.
        if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
        {
            await using var pragma = connection.CreateCommand();

            // NORMAL is durable across a process crash in WAL mode; only a power loss may lose the last commits.
            pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Configured.AddOrUpdate(handle, Marker);
        }

        return connection;
    }
}
