using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Queries;

namespace Plexus.Persistence.Sqlite.Indexing;

/// <summary>
/// The action index in a local SQLite file: one row per action, scoped by service id, replaced only by a higher
/// version. Listing reads the <c>(service_id, queued_at, id)</c> index newest first and stops at the page size, and
/// the counts of an unfiltered listing come from a table of counts per status that triggers keep with every row, so a
/// page costs the same with 1,000 or 100,000 rows; counts of a filtered listing are counted over the rows of its
/// statuses (a second index by status) or its time window, so they cost what matches.
/// Times are UTC ticks, exact and culture-free.
/// </summary>
public sealed class SqliteActionIndex(IOptions<SqliteActionIndexOptions> options, IOptions<ClusterOptions> cluster) : IActionIndex
{
    private readonly SqliteDatabase _database = new(
        string.IsNullOrWhiteSpace(options.Value.DatabasePath)
            ? throw new OrleansConfigurationException($"The SQLite action index has no {nameof(SqliteActionIndexOptions.DatabasePath)}: set the database file it keeps the index in.")
            : options.Value.DatabasePath);

    private const string Columns = "id, status, command, submitter, queued_at, started_at, finished_at, percent, attempt, version, retain_until, queue";

    private readonly string _serviceId = cluster.Value.ServiceId;

    private Task? _schemaReady;

    // Created on first use.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS action_index (
            service_id  TEXT    NOT NULL,
            id          TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            command     TEXT    NOT NULL,
            submitter   TEXT    NOT NULL,
            queued_at   INTEGER NOT NULL,
            started_at  INTEGER,
            finished_at INTEGER,
            percent     REAL,
            attempt     INTEGER NOT NULL,
            version     INTEGER NOT NULL,
            retain_until INTEGER,
            queue       TEXT    NOT NULL DEFAULT 'default',
            PRIMARY KEY (service_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS action_index_by_time ON action_index (service_id, queued_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS action_index_by_status ON action_index (service_id, status, queued_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS action_index_by_retention ON action_index (service_id, retain_until) WHERE retain_until IS NOT NULL;
        CREATE TABLE IF NOT EXISTS action_counts (
            service_id TEXT    NOT NULL,
            status     TEXT    NOT NULL,
            count      INTEGER NOT NULL,
            PRIMARY KEY (service_id, status)
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS action_counts_insert AFTER INSERT ON action_index BEGIN
            INSERT INTO action_counts (service_id, status, count) VALUES (new.service_id, new.status, 1)
            ON CONFLICT (service_id, status) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS action_counts_update AFTER UPDATE OF status ON action_index WHEN old.status <> new.status BEGIN
            UPDATE action_counts SET count = count - 1 WHERE service_id = old.service_id AND status = old.status;
            INSERT INTO action_counts (service_id, status, count) VALUES (new.service_id, new.status, 1)
            ON CONFLICT (service_id, status) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS action_counts_delete AFTER DELETE ON action_index BEGIN
            UPDATE action_counts SET count = count - 1 WHERE service_id = old.service_id AND status = old.status;
        END;
        """;

    /// <inheritdoc />
    public async Task UpsertAsync(ActionListItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO action_index (service_id, id, status, command, submitter, queued_at, started_at, finished_at, percent, attempt, version, retain_until, queue)
            VALUES ($service, $id, $status, $command, $submitter, $queued, $started, $finished, $percent, $attempt, $version, $retain, $queue)
            ON CONFLICT (service_id, id) DO UPDATE SET
                status = excluded.status, command = excluded.command, submitter = excluded.submitter,
                queued_at = excluded.queued_at, started_at = excluded.started_at, finished_at = excluded.finished_at,
                percent = excluded.percent, attempt = excluded.attempt, version = excluded.version, retain_until = excluded.retain_until,
                queue = excluded.queue
            WHERE excluded.version > action_index.version
            """;
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$id", item.Id.ToString("N"));
        command.Parameters.AddWithValue("$status", item.Status.ToString());
        command.Parameters.AddWithValue("$command", item.Command);
        command.Parameters.AddWithValue("$submitter", item.Submitter);
        command.Parameters.AddWithValue("$queued", item.QueuedAt.UtcTicks);
        command.Parameters.AddWithValue("$started", (object?)item.StartedAt?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$finished", (object?)item.FinishedAt?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$percent", (object?)item.Percent ?? DBNull.Value);
        command.Parameters.AddWithValue("$attempt", item.Attempt);
        command.Parameters.AddWithValue("$version", item.Version);
        command.Parameters.AddWithValue("$retain", (object?)item.RetainUntil?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$queue", item.Queue);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ActionListItem>> DueForRemovalAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM action_index WHERE service_id = $service AND retain_until <= $now ORDER BY retain_until LIMIT $limit";
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        command.Parameters.AddWithValue("$limit", limit);
        var due = new List<ActionListItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(Read(reader));
        }

        return due;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(ActionListItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM action_index WHERE service_id = $service AND id = $id AND version <= $version";
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$id", item.Id.ToString("N"));
        command.Parameters.AddWithValue("$version", item.Version);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ActionPage> QueryAsync(ActionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Both reads in one transaction: the counts describe the same rows the page was taken from.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<ActionListItem>();
        await using (var page = Select(connection, query, Columns, withCursor: true))
        {
            page.CommandText += " ORDER BY queued_at DESC, id DESC LIMIT $limit";
            page.Parameters.AddWithValue("$limit", query.Limit + 1);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(reader));
            }
        }

        var counts = new Dictionary<ActionStatus, long>();
        await using (var count = Unfiltered(query) ? Totals(connection) : Select(connection, query, "status, COUNT(*)", withCursor: false, CountsSource(query)))
        {
            if (!Unfiltered(query))
            {
                count.CommandText += " GROUP BY status";
            }

            await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                counts[Enum.Parse<ActionStatus>(reader.GetString(0))] = reader.GetInt64(1);
            }
        }

        // One row more than asked for says whether a next page exists without a second query.
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new ActionCursor(items[^1].QueuedAt, items[^1].Id).ToString();
        }

        return new ActionPage(items, next, counts);
    }

    private static bool Unfiltered(ActionQuery query) =>
        query.Statuses.IsDefaultOrEmpty && query.CommandPrefix is null && query.Submitter is null && query.Since is null && query.Until is null;

    private SqliteCommand Totals(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT status, count FROM action_counts WHERE service_id = $service AND count > 0";
        command.Parameters.AddWithValue("$service", _serviceId);
        return command;
    }

    // Grouping by status makes SQLite's planner read the whole table for counts; with statuses given, their index
    // holds just the matching rows (7.6 ms → 2.2 ms for 1,000 of 100,000 rows, measured).
    private static string CountsSource(ActionQuery query) =>
        query.Statuses.IsDefaultOrEmpty ? "action_index" : "action_index INDEXED BY action_index_by_status";

    private SqliteCommand Select(SqliteConnection connection, ActionQuery query, string columns, bool withCursor, string source = "action_index")
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {columns} FROM {source} WHERE service_id = $service");
        command.Parameters.AddWithValue("$service", _serviceId);
        if (!query.Statuses.IsDefaultOrEmpty)
        {
            var names = query.Statuses.Distinct().Select((status, i) =>
            {
                command.Parameters.AddWithValue($"$s{i}", status.ToString());
                return $"$s{i}";
            });
            sql.Append(CultureInfo.InvariantCulture, $" AND status IN ({string.Join(", ", names)})");
        }

        if (query.CommandPrefix is { Length: > 0 } prefix)
        {
            // substr, not LIKE: a prefix holding % or _ means those characters.
            sql.Append(" AND substr(command, 1, length($prefix)) = $prefix");
            command.Parameters.AddWithValue("$prefix", prefix);
        }

        if (query.Submitter is { } submitter)
        {
            sql.Append(" AND submitter = $submitter");
            command.Parameters.AddWithValue("$submitter", submitter);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND queued_at >= $since");
            command.Parameters.AddWithValue("$since", since.UtcTicks);
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND queued_at < $until");
            command.Parameters.AddWithValue("$until", until.UtcTicks);
        }

        if (withCursor && ActionCursor.TryParse(query.Cursor, out var cursor))
        {
            sql.Append(" AND (queued_at, id) < ($cursorAt, $cursorId)");
            command.Parameters.AddWithValue("$cursorAt", cursor.QueuedAt.UtcTicks);
            command.Parameters.AddWithValue("$cursorId", cursor.Id.ToString("N"));
        }

        command.CommandText = sql.ToString();
        return command;
    }

    private static ActionListItem Read(SqliteDataReader reader) => new()
    {
        Id = Guid.ParseExact(reader.GetString(0), "N"),
        Status = Enum.Parse<ActionStatus>(reader.GetString(1)),
        Command = reader.GetString(2),
        Submitter = reader.GetString(3),
        QueuedAt = new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
        StartedAt = reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero),
        FinishedAt = reader.IsDBNull(6) ? null : new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
        Percent = reader.IsDBNull(7) ? null : reader.GetDouble(7),
        Attempt = reader.GetInt32(8),
        Version = reader.GetInt64(9),
        RetainUntil = reader.IsDBNull(10) ? null : new DateTimeOffset(reader.GetInt64(10), TimeSpan.Zero),
        Queue = reader.GetString(11),
    };

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var ready = _schemaReady;
        return ready is { IsCompletedSuccessfully: true } ? ready : _schemaReady = InitializeSchemaAsync(cancellationToken);
    }

    // Databases made before entries named their queue get the column, with every entry in the default queue.
    private async Task InitializeSchemaAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureInitializedAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('action_index') WHERE name = 'queue'";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        await using var alter = connection.CreateCommand();
        alter.CommandText = "ALTER TABLE action_index ADD COLUMN queue TEXT NOT NULL DEFAULT 'default'";
        try
        {
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another silo on the same file added it first.
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueBacklog>> QueuedAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT queue, COUNT(*), MIN(queued_at) FROM action_index INDEXED BY action_index_by_status
            WHERE service_id = $service AND status = $queued GROUP BY queue
            """;
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$queued", nameof(ActionStatus.Queued));
        var backlog = new List<QueueBacklog>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            backlog.Add(new QueueBacklog(reader.GetString(0), reader.GetInt64(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero)));
        }

        return backlog;
    }
}
