using Communique.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Communique.Deliverability;

// Bulk writes of tracking events below EF Core (as MessageStore does for message rows): one prepared insert stepped
// per event inside one SQLite transaction, or binary COPY on PostgreSQL. The tracking endpoints answer thousands of
// requests a second; EF's change tracking of each event could not keep up with them.
public static class EventStore
{
    private const string Columns = """ "Id", "TeamId", "SendId", "MessageId", "Kind", "At", "Device", "Machine", "Url", "Detail" """;

    // Inside the caller's transaction.
    public static async Task WriteAsync(AppDb db, IReadOnlyList<MessageEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection postgres)
        {
            await using var copy = await postgres.BeginBinaryImportAsync($"""COPY "MessageEvents" ({Columns}) FROM STDIN (FORMAT BINARY)""", cancellationToken);
            foreach (var e in events)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(e.TeamId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(e.SendId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(e.MessageId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(e.Kind.ToString(), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.At, NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteOrNullAsync(copy, e.Device?.ToString(), cancellationToken);
                await copy.WriteAsync(e.Machine, NpgsqlDbType.Boolean, cancellationToken);
                await WriteOrNullAsync(copy, e.Url, cancellationToken);
                await WriteOrNullAsync(copy, e.Detail, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }
        else
        {
            Insert((SqliteConnection)connection, events);
        }
    }

    private static async Task WriteOrNullAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }

    private static readonly string InsertSql = $"""INSERT INTO "MessageEvents" ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)""";

    private static void Insert(SqliteConnection connection, IReadOnlyList<MessageEvent> events)
    {
        var handle = connection.Handle!;
        SqliteRaw.Check(raw.sqlite3_prepare_v2(handle, InsertSql, out var statement), handle);
        using (statement)
        {
            Span<char> id = stackalloc char[36];
            Span<char> team = stackalloc char[36];
            Span<char> send = stackalloc char[36];
            Span<char> message = stackalloc char[36];
            foreach (var e in events)
            {
                SqliteRaw.UpperText(e.Id, id);
                SqliteRaw.UpperText(e.TeamId, team);
                SqliteRaw.UpperText(e.SendId, send);
                SqliteRaw.UpperText(e.MessageId, message);
                raw.sqlite3_bind_text16(statement, 1, id);
                raw.sqlite3_bind_text16(statement, 2, team);
                raw.sqlite3_bind_text16(statement, 3, send);
                raw.sqlite3_bind_text16(statement, 4, message);
                raw.sqlite3_bind_text16(statement, 5, e.Kind.ToString());
                raw.sqlite3_bind_text16(statement, 6, SqliteRaw.Time(e.At));
                SqliteRaw.BindText(statement, 7, e.Device?.ToString());
                raw.sqlite3_bind_int(statement, 8, e.Machine ? 1 : 0);
                SqliteRaw.BindText(statement, 9, e.Url);
                SqliteRaw.BindText(statement, 10, e.Detail);
                SqliteRaw.Step(statement, handle);
            }
        }
    }
}
