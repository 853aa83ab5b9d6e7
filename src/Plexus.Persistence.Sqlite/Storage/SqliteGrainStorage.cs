using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;
using Plexus.Persistence.Sqlite.Options;

namespace Plexus.Persistence.Sqlite.Storage;

/// <summary>
/// Grain storage in one local SQLite file: one row per grain state, an integer etag that grows with every
/// write, and a conditional write so a stale etag or a second first-write changes nothing and raises
/// <see cref="InconsistentStateException"/>. WAL journaling with <c>synchronous=NORMAL</c> keeps every
/// committed write across a crash or kill of the process.
/// </summary>
public sealed partial class SqliteGrainStorage(
    string name, SqliteGrainStorageOptions options, ILogger<SqliteGrainStorage> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const int SqliteConstraint = 19;

    private readonly SqliteDatabase _database = new(options.DatabasePath);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<SqliteGrainStorage>(name), options.InitStage, InitializeAsync);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        await using var command = Command(connection, "SELECT etag, data FROM grain_state WHERE state_name = $state AND grain_id = $grain", stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = options.GrainStorageSerializer.Deserialize<T>(new BinaryData((byte[])reader["data"]));
        grainState.ETag = reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = options.GrainStorageSerializer.Serialize(grainState.State).ToArray();
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        var sql = grainState.ETag is null
            ? "INSERT INTO grain_state (state_name, grain_id, etag, data, modified_at) VALUES ($state, $grain, 1, $data, $now)"
            : "UPDATE grain_state SET etag = etag + 1, data = $data, modified_at = $now WHERE state_name = $state AND grain_id = $grain AND etag = $etag";
        await using var command = Command(connection, sql + " RETURNING etag", stateName, grainId);
        command.Parameters.AddWithValue("$data", data);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
        AddETag(command, grainState.ETag);
        object? etag;
        try
        {
            etag = await command.ExecuteScalarAsync().ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, "the state was already written");
        }

        if (etag is null)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, "the state was changed or cleared since it was read");
        }

        grainState.ETag = Convert.ToString(etag, System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync().ConfigureAwait(false);
        // Without an etag the caller has seen no stored state, so it may delete nothing: a row that exists
        // anyway was written since, and the clear is refused like a second first-write.
        var sql = grainState.ETag is null
            ? "SELECT 1 FROM grain_state WHERE state_name = $state AND grain_id = $grain"
            : "DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain AND etag = $etag RETURNING 1";
        await using var command = Command(connection, sql, stateName, grainId);
        AddETag(command, grainState.ETag);
        var matched = await command.ExecuteScalarAsync().ConfigureAwait(false) is not null;
        if (grainState.ETag is null && matched)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, "the state was written since it was read");
        }

        if (grainState.ETag is not null && !matched)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, "the state was changed or cleared since it was read");
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _database.InitializeAsync(
            """
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name  TEXT    NOT NULL,
                grain_id    TEXT    NOT NULL,
                etag        INTEGER NOT NULL,
                data        BLOB    NOT NULL,
                modified_at TEXT    NOT NULL,
                PRIMARY KEY (state_name, grain_id)
            ) WITHOUT ROWID;
            """,
            cancellationToken).ConfigureAwait(false);
        LogInitialized(name, _database.FullPath);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        return command;
    }

    private static void AddETag(SqliteCommand command, string? etag)
    {
        if (etag is not null)
        {
            command.Parameters.AddWithValue("$etag", long.TryParse(etag, out var value) ? value : -1);
        }
    }

    private InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? etag, string why)
    {
        LogInconsistent(name, stateName, grainId, etag);
        var message = $"SQLite storage '{name}': write of {stateName} for {grainId} with etag '{etag ?? "(none)"}' refused: {why}.";
        return new InconsistentStateException(message, storedEtag: "(unknown)", currentEtag: etag ?? "(none)");
    }
}
