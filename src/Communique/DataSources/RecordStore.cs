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

    // Rows per INSERT statement: one statement per row would spend more on the statement than on the row.
    // Kept small: Microsoft.Data.Sqlite binds each parameter by name, a lookup that grows with the statement.
    private const int RowsPerStatement = 16;
    private const int Columns = 7;

    private static async Task InsertAsync(SqliteConnection connection, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var many = Insert(connection, transaction, RowsPerStatement);
        await using var one = Insert(connection, transaction, 1);

        // EF Core's SQLite provider stores GUIDs as upper-case text; raw writes must match.
        var team = batch[0].TeamId.ToString().ToUpperInvariant();
        var source = batch[0].DataSourceId.ToString().ToUpperInvariant();
        var i = 0;
        for (; i + RowsPerStatement <= batch.Count; i += RowsPerStatement)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var row = 0; row < RowsPerStatement; row++)
            {
                Bind(many, row, batch[i + row], team, source);
            }

            // Synchronous on purpose: Microsoft.Data.Sqlite has no real async I/O.
            many.ExecuteNonQuery();
        }

        for (; i < batch.Count; i++)
        {
            Bind(one, 0, batch[i], team, source);
            one.ExecuteNonQuery();
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = string.Join(",", Enumerable.Range(0, rows).Select(r =>
            "(" + string.Join(",", Enumerable.Range(0, Columns).Select(c => $"$p{(r * Columns) + c}")) + ")"));
        command.CommandText = $"""INSERT INTO "DataRecords" ("TeamId", "DataSourceId", "Generation", "Position", "Uuid", "Key", "Values") VALUES {values}""";
        for (var p = 0; p < rows * Columns; p++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = $"$p{p}" });
        }

        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, int row, DataRecord r, string team, string source)
    {
        var p = command.Parameters;
        var at = row * Columns;
        p[at].Value = team;
        p[at + 1].Value = source;
        p[at + 2].Value = r.Generation;
        p[at + 3].Value = r.Position;
        p[at + 4].Value = r.Uuid.ToString().ToUpperInvariant();
        p[at + 5].Value = (object?)r.Key ?? DBNull.Value;
        p[at + 6].Value = r.Values;
    }
}
