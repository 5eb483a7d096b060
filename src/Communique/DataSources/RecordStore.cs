using System.Data.Common;
using Communique.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

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

        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task InsertAsync(SqliteConnection connection, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO "DataRecords" ("TeamId", "DataSourceId", "Generation", "Position", "Uuid", "Key", "Values")
            VALUES ($team, $source, $generation, $position, $uuid, $key, $values)
            """;
        DbParameter Add(string name) => insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        var team = Add("$team");
        var source = Add("$source");
        var generation = Add("$generation");
        var position = Add("$position");
        var uuid = Add("$uuid");
        var key = Add("$key");
        var values = Add("$values");
        insert.Prepare();

        // EF Core's SQLite provider stores GUIDs as upper-case text; raw writes must match.
        team.Value = batch[0].TeamId.ToString().ToUpperInvariant();
        source.Value = batch[0].DataSourceId.ToString().ToUpperInvariant();
        foreach (var r in batch)
        {
            generation.Value = r.Generation;
            position.Value = r.Position;
            uuid.Value = r.Uuid.ToString().ToUpperInvariant();
            key.Value = (object?)r.Key ?? DBNull.Value;
            values.Value = r.Values;
            // Synchronous on purpose: Microsoft.Data.Sqlite has no real async I/O, and an await per row costs more than the insert.
            cancellationToken.ThrowIfCancellationRequested();
            insert.ExecuteNonQuery();
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
