using Communique.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Communique.DataSources;

// Bulk writes of imported records, below EF Core: a prepared insert per row inside one SQLite
// transaction per batch, or binary COPY on PostgreSQL. EF's change tracking would cost more than parsing.
public static class RecordStore
{
    public static async Task WriteAsync(AppDb db, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection is NpgsqlConnection postgres)
            {
                await CopyAsync(postgres, batch, cancellationToken);
            }
            else
            {
                await InsertAsync((SqliteConnection)connection, batch, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            """COPY "DataRecords" ("TeamId", "DataSourceId", "Generation", "Position", "Uuid", "Key", "Values") FROM STDIN (FORMAT BINARY)""",
            cancellationToken);
        foreach (var r in batch)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.TeamId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(r.DataSourceId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(r.Generation, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(r.Position, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Uuid, NpgsqlDbType.Uuid, cancellationToken);
            if (r.Key is null)
            {
                await copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                await copy.WriteAsync(r.Key, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.WriteAsync(r.Values, NpgsqlDbType.Text, cancellationToken);
        }

        // Not cancellable: a cancelled CompleteAsync can leave the server committing the COPY after we have moved on
        // (on another connection) to discard the import's rows, and the batch would survive the discard. Cancelling
        // while rows are still being written aborts the COPY instead.
        await copy.CompleteAsync(CancellationToken.None);
    }

    // Straight to SQLite's C API, one prepared statement stepped per row: Microsoft.Data.Sqlite binds every parameter
    // by looking its name up in the statement, which cost more than the rows themselves. Text is bound from spans
    // (SQLite copies it), so a row allocates nothing here.
    private const string InsertSql =
        """INSERT INTO "DataRecords" ("TeamId", "DataSourceId", "Generation", "Position", "Uuid", "Key", "Values") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)""";

    private static async Task InsertAsync(SqliteConnection connection, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var handle = connection.Handle!;
        SqliteRaw.Check(raw.sqlite3_prepare_v2(handle, InsertSql, out var statement), handle);
        using (statement)
        {
            Span<char> team = stackalloc char[36];
            Span<char> source = stackalloc char[36];
            Span<char> uuid = stackalloc char[36];
            SqliteRaw.UpperText(batch[0].TeamId, team);
            SqliteRaw.UpperText(batch[0].DataSourceId, source);
            for (var i = 0; i < batch.Count; i++)
            {
                if ((i & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var r = batch[i];
                SqliteRaw.UpperText(r.Uuid, uuid);
                raw.sqlite3_bind_text16(statement, 1, team);
                raw.sqlite3_bind_text16(statement, 2, source);
                raw.sqlite3_bind_int(statement, 3, r.Generation);
                raw.sqlite3_bind_int64(statement, 4, r.Position);
                raw.sqlite3_bind_text16(statement, 5, uuid);
                SqliteRaw.BindText(statement, 6, r.Key);
                raw.sqlite3_bind_text16(statement, 7, r.Values);
                SqliteRaw.Step(statement, handle);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
