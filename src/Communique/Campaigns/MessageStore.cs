using Communique.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Communique.Campaigns;

// Bulk writes of a send's message rows, below EF Core (as RecordStore does for imported records): new rows by a
// prepared insert stepped per row on SQLite and binary COPY on PostgreSQL; the outcomes of delivered messages by a
// prepared update per row on SQLite and one UPDATE over arrays on PostgreSQL. Written on the context's connection,
// inside the transaction the caller has begun, so the rows and the send's cursor or counters commit together. EF's
// change tracking of thousands of entities per batch is a noticeable part of a send's CPU.
public static class MessageStore
{
    private static readonly BulkTable<OutboundMessage> Messages = new BulkTable<OutboundMessage>("OutboundMessages")
        .Uuid("Id", m => m.Id)
        .Uuid("TeamId", m => m.TeamId)
        .Uuid("SendId", m => m.SendId)
        .Bigint("Position", m => m.Position)
        .NullableUuid("RecordUuid", m => m.RecordUuid)
        .NullableUuid("SubscriptionId", m => m.SubscriptionId)
        .Text("Address", m => m.Address)
        .Text("State", m => m.State.ToString())
        .Int4("Attempts", m => m.Attempts)
        .Text("SuppressionReason", m => m.SuppressionReason)
        .Time("NextAttemptAt", m => m.NextAttemptAt)
        .Time("CreatedAt", m => m.CreatedAt)
        .Text("Channel", m => m.Channel.ToString())
        .Text("Kind", m => m.Kind.ToString());

    public static Task WriteAsync(
        AppDb db, IReadOnlyList<OutboundMessage> batch, CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is null
            ? throw new InvalidOperationException("Message rows are written inside the caller's transaction.")
            : BulkWriter.WriteAsync(db, Messages, batch, cancellationToken);

    // Marks the given messages sending, stamped — those still queued: another run may have taken some meanwhile (an
    // attempt is counted at the hand-over, not here). Returns the ones this call marked. Inside the caller's
    // transaction.
    public static async Task<HashSet<Guid>> ClaimAsync(
        AppDb db, IReadOnlyList<Guid> ids, DateTime stamp, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not { } transaction)
        {
            throw new InvalidOperationException("Messages are claimed inside the caller's transaction.");
        }

        var claimed = new HashSet<Guid>();
        var connection = db.Database.GetDbConnection();
        if (connection is not NpgsqlConnection postgres)
        {
            var handle = ((SqliteConnection)connection).Handle!;
            SqliteRaw.Check(raw.sqlite3_prepare_v2(handle, ClaimSql, out var statement), handle);
            using (statement)
            {
                Span<char> id = stackalloc char[36];
                var time = SqliteRaw.Time(stamp);
                foreach (var one in ids)
                {
                    raw.sqlite3_bind_text16(statement, 1, time);
                    SqliteRaw.UpperText(one, id);
                    raw.sqlite3_bind_text16(statement, 2, id);
                    SqliteRaw.Step(statement, handle);
                    if (raw.sqlite3_changes(handle) == 1)
                    {
                        claimed.Add(one);
                    }
                }
            }

            return claimed;
        }

        await using var command = new NpgsqlCommand(
            ClaimAllSql, postgres, (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.Add(
            new NpgsqlParameter<DateTime>("stamp", stamp) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetGuid(0));
        }

        return claimed;
    }

    private const string ClaimSql = """
        UPDATE "OutboundMessages" SET "State" = 'Sending', "NextAttemptAt" = ?1
        WHERE "Id" = ?2 AND "State" = 'Queued'
        """;

    private const string ClaimAllSql = """
        UPDATE "OutboundMessages" SET "State" = 'Sending', "NextAttemptAt" = @stamp
        WHERE "Id" = ANY(@ids) AND "State" = 'Queued'
        RETURNING "Id"
        """;

    // What delivering changed on each of the messages.
    public static async Task WriteOutcomesAsync(
        AppDb db, IReadOnlyList<OutboundMessage> batch, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not { } transaction)
        {
            throw new InvalidOperationException("Message outcomes are written inside the caller's transaction.");
        }

        var connection = db.Database.GetDbConnection();
        if (connection is not NpgsqlConnection postgres)
        {
            UpdateOutcomes((SqliteConnection)connection, batch);
            return;
        }

        await using var command = new NpgsqlCommand(
            OutcomesSql, postgres, (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. batch.Select(m => m.Id)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("states", [.. batch.Select(m => m.State.ToString())]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("replies", [.. batch.Select(m => m.LastReply)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("ids_sent", [.. batch.Select(m => m.MessageIdHeader)]));
        command.Parameters.Add(new NpgsqlParameter<DateTime?[]>("sent", [.. batch.Select(m => m.SentAt)])
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("next", [.. batch.Select(m => m.NextAttemptAt)])
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("reasons", [.. batch.Select(m => m.SuppressionReason)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("attempts", [.. batch.Select(m => m.Attempts)]));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string OutcomesSql = """
        UPDATE "OutboundMessages" AS m SET "State" = u.state, "LastReply" = u.reply, "MessageIdHeader" = u.message_id,
            "SentAt" = u.sent, "NextAttemptAt" = u.next, "SuppressionReason" = u.reason, "Attempts" = u.attempts
        FROM unnest(@ids, @states, @replies, @ids_sent, @sent, @next, @reasons, @attempts)
            AS u(id, state, reply, message_id, sent, next, reason, attempts)
        WHERE m."Id" = u.id
        """;

    private const string UpdateSql = """
        UPDATE "OutboundMessages" SET "State" = ?1, "LastReply" = ?2, "MessageIdHeader" = ?3, "SentAt" = ?4,
            "NextAttemptAt" = ?5, "SuppressionReason" = ?6, "Attempts" = ?7 WHERE "Id" = ?8
        """;

    private static void UpdateOutcomes(SqliteConnection connection, IReadOnlyList<OutboundMessage> batch)
    {
        var handle = connection.Handle!;
        SqliteRaw.Check(raw.sqlite3_prepare_v2(handle, UpdateSql, out var statement), handle);
        using (statement)
        {
            Span<char> id = stackalloc char[36];
            foreach (var m in batch)
            {
                raw.sqlite3_bind_text16(statement, 1, m.State.ToString());
                SqliteRaw.BindText(statement, 2, m.LastReply);
                SqliteRaw.BindText(statement, 3, m.MessageIdHeader);
                SqliteRaw.BindText(statement, 4, m.SentAt is { } sent ? SqliteRaw.Time(sent) : null);
                raw.sqlite3_bind_text16(statement, 5, SqliteRaw.Time(m.NextAttemptAt));
                SqliteRaw.BindText(statement, 6, m.SuppressionReason);
                raw.sqlite3_bind_int(statement, 7, m.Attempts);
                SqliteRaw.UpperText(m.Id, id);
                raw.sqlite3_bind_text16(statement, 8, id);
                SqliteRaw.Step(statement, handle);
            }
        }
    }
}
