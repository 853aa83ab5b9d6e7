using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Audit;
using Plexus.Persistence.Sqlite.Options;

namespace Plexus.Persistence.Sqlite.Audit;

/// <summary>
/// The audit log in a local SQLite file: an append-only table scoped by service id, keyed by time and entry id, so a
/// page is a walk of the key newest first that stops at the page size; an action's entries have an index of their own.
/// Times are UTC ticks, exact and culture-free.
/// </summary>
public sealed class SqliteAuditLog(IOptions<SqliteAuditLogOptions> options, IOptions<ClusterOptions> cluster) : IAuditLog
{
    private const string Columns = "id, at, actor, origin, operation, action_id, outcome, detail";

    private readonly SqliteDatabase _database = new(
        string.IsNullOrWhiteSpace(options.Value.DatabasePath)
            ? throw new OrleansConfigurationException($"The SQLite audit log has no {nameof(SqliteAuditLogOptions.DatabasePath)}: set the database file it keeps the log in.")
            : options.Value.DatabasePath);

    private readonly string _serviceId = cluster.Value.ServiceId;

    // Created on first use.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_log (
            service_id TEXT    NOT NULL,
            at         INTEGER NOT NULL,
            id         TEXT    NOT NULL,
            actor      TEXT    NOT NULL,
            origin     TEXT,
            operation  TEXT    NOT NULL,
            action_id  TEXT    NOT NULL,
            outcome    TEXT    NOT NULL,
            detail     TEXT    NOT NULL,
            PRIMARY KEY (service_id, at, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS audit_log_by_id ON audit_log (service_id, id);
        CREATE INDEX IF NOT EXISTS audit_log_by_action ON audit_log (service_id, action_id, at DESC, id DESC);
        """;

    /// <inheritdoc />
    public async Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO audit_log (service_id, {Columns})
            VALUES ($service, $id, $at, $actor, $origin, $operation, $action, $outcome, $detail)
            ON CONFLICT DO NOTHING
            """;
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$id", entry.Id.ToString("N"));
        command.Parameters.AddWithValue("$at", entry.At.UtcTicks);
        command.Parameters.AddWithValue("$actor", entry.Actor);
        command.Parameters.AddWithValue("$origin", (object?)entry.Origin ?? DBNull.Value);
        command.Parameters.AddWithValue("$operation", entry.Operation.ToString());
        command.Parameters.AddWithValue("$action", entry.ActionId.ToString("N"));
        command.Parameters.AddWithValue("$outcome", entry.Outcome.ToString());
        command.Parameters.AddWithValue("$detail", entry.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_log WHERE service_id = $service");
        command.Parameters.AddWithValue("$service", _serviceId);
        if (query.Since is { } since)
        {
            sql.Append(" AND at >= $since");
            command.Parameters.AddWithValue("$since", since.UtcTicks);
        }

        if (query.Actor is { } actor)
        {
            sql.Append(" AND actor = $actor");
            command.Parameters.AddWithValue("$actor", actor);
        }

        if (query.ActionId is { } action)
        {
            sql.Append(" AND action_id = $action");
            command.Parameters.AddWithValue("$action", action.ToString("N"));
        }

        if (AuditCursor.TryParse(query.Cursor, out var cursor))
        {
            sql.Append(" AND (at, id) < ($cursorAt, $cursorId)");
            command.Parameters.AddWithValue("$cursorAt", cursor.At.UtcTicks);
            command.Parameters.AddWithValue("$cursorId", cursor.Id.ToString("N"));
        }

        // One row more than asked for says whether a next page exists without a second query.
        sql.Append(" ORDER BY at DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        var items = new List<AuditRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(reader));
            }
        }

        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = AuditCursor.After(items[^1]).ToString();
        }

        return new AuditPage(items, next);
    }

    private static AuditRecord Read(SqliteDataReader reader) => new()
    {
        Id = Guid.ParseExact(reader.GetString(0), "N"),
        At = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
        Actor = reader.GetString(2),
        Origin = reader.IsDBNull(3) ? null : reader.GetString(3),
        Operation = Enum.Parse<AuditOperation>(reader.GetString(4)),
        ActionId = Guid.ParseExact(reader.GetString(5), "N"),
        Outcome = Enum.Parse<AuditOutcome>(reader.GetString(6)),
        Detail = reader.GetString(7),
    };

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(Schema, cancellationToken);
}
