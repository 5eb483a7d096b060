using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Communique.Data;

// Writes many rows of one table below EF Core, whose change tracking would cost more than the rows: binary COPY on
// PostgreSQL; on SQLite one prepared insert stepped per row through SQLite's C API (Microsoft.Data.Sqlite binds every
// parameter by looking its name up in the statement, which costs more than the rows themselves). Written on the
// context's connection, inside whatever transaction the caller has begun on it. A group commit's rows per table go in
// through the model instead (InsertAsync): multi-row INSERT statements on PostgreSQL (one round trip), one statement
// run per row on SQLite.
public static class BulkWriter
{
    // Parameters per multi-row statement, well below SQLite's limit (32,766) and PostgreSQL's (65,535).
    private const int MaxParameters = 8_000;

    public static async Task WriteAsync<T>(
        AppDb db, BulkTable<T> table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, table, rows, cancellationToken);
        }
        else
        {
            Insert((SqliteConnection)connection, table, rows, cancellationToken);
        }
    }

    // New rows of a mapped entity, with the columns the model gives it (BulkTable<T>.Of), inside the caller's
    // transaction. suffix: appended to each statement, e.g. " ON CONFLICT DO NOTHING" (both providers read it).
    public static async Task InsertAsync<T>(
        AppDb db, IReadOnlyList<T> rows, string? suffix, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is not { } transaction)
        {
            throw new InvalidOperationException("Rows are inserted inside the caller's transaction.");
        }

        var table = BulkTable<T>.Of(db.Model);
        var connection = db.Database.GetDbConnection();
        if (connection is SqliteConnection)
        {
            await InsertEachAsync(connection, transaction.GetDbTransaction(), table, rows, suffix, cancellationToken);
            return;
        }

        var columns = table.Columns;
        var perStatement = Math.Max(1, MaxParameters / columns.Count);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var end = Math.Min(rows.Count, start + perStatement);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            var sql = new StringBuilder(table.InsertHeadSql);
            for (var r = start; r < end; r++)
            {
                sql.Append(r == start ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var column = columns[c].Mapped!;
                    var name = string.Create(CultureInfo.InvariantCulture, $"@p{command.Parameters.Count}");
                    command.Parameters.Add(column.Mapping.CreateParameter(
                        command, name, column.Getter.GetClrValueUsingContainingEntity(rows[r]), column.Nullable));
                    sql.Append(c == 0 ? "" : ", ").Append(name);
                }

                sql.Append(')');
            }

            command.CommandText = sql.Append(suffix).ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // SQLite: one row's insert, prepared once and run for each row. Microsoft.Data.Sqlite finds each parameter by
    // its name in a list of the statement's names, so a multi-row statement costs the square of its parameters.
    private static async Task InsertEachAsync<T>(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, BulkTable<T> table,
        IReadOnlyList<T> rows, string? suffix, CancellationToken cancellationToken)
        where T : class
    {
        var columns = table.Columns;
        var names = columns.Select((_, c) => string.Create(CultureInfo.InvariantCulture, $"@p{c}")).ToArray();
        var sql = new StringBuilder(table.InsertHeadSql).Append('(').AppendJoin(", ", names);

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.Append(')').Append(suffix).ToString();
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var c = 0; c < columns.Count; c++)
            {
                var column = columns[c].Mapped!;
                command.Parameters.Add(column.Mapping.CreateParameter(
                    command, names[c], column.Getter.GetClrValueUsingContainingEntity(row), column.Nullable));
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, BulkTable<T> table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        await using var copy = await connection.BeginBinaryImportAsync(table.CopySql, cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            foreach (var c in columns)
            {
                await (c.Of switch
                {
                    BulkTable<T>.Kind.Uuid => copy.WriteAsync(c.Uuid!(row), NpgsqlDbType.Uuid, cancellationToken),
                    BulkTable<T>.Kind.NullableUuid => c.NullableUuid!(row) is { } uuid
                        ? copy.WriteAsync(uuid, NpgsqlDbType.Uuid, cancellationToken)
                        : copy.WriteNullAsync(cancellationToken),
                    BulkTable<T>.Kind.Integer =>
                        copy.WriteAsync(c.Integer!(row), NpgsqlDbType.Integer, cancellationToken),
                    BulkTable<T>.Kind.Bigint => copy.WriteAsync(c.Bigint!(row), NpgsqlDbType.Bigint, cancellationToken),
                    BulkTable<T>.Kind.Boolean =>
                        copy.WriteAsync(c.Boolean!(row), NpgsqlDbType.Boolean, cancellationToken),
                    BulkTable<T>.Kind.Text => c.Text!(row) is { } text
                        ? copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken)
                        : copy.WriteNullAsync(cancellationToken),
                    _ => copy.WriteAsync(c.Time!(row), NpgsqlDbType.TimestampTz, cancellationToken),
                });
            }
        }

        // Not cancellable: a cancelled CompleteAsync can leave the server committing the COPY after the caller has
        // moved on (an import discarding its rows on another connection would miss the batch). Cancelling while rows
        // are still being written aborts the COPY instead.
        await copy.CompleteAsync(CancellationToken.None);
    }

    private static void Insert<T>(
        SqliteConnection connection, BulkTable<T> table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        var handle = connection.Handle!;
        // Each GUID column keeps its text between rows: a column that holds the same value in every row of a batch
        // (the team, the send) is formatted once. SQLite copies bound text, so a buffer can be bound again.
        var guidTexts = new char[columns.Count][];
        var guids = new Guid?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var guid = columns[i].Of is BulkTable<T>.Kind.Uuid or BulkTable<T>.Kind.NullableUuid;
            guidTexts[i] = guid ? new char[36] : [];
        }

        SqliteRaw.Check(raw.sqlite3_prepare_v2(handle, table.InsertSql, out var statement), handle);
        using (statement)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                if ((r & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var row = rows[r];
                for (var i = 0; i < columns.Count; i++)
                {
                    var c = columns[i];
                    var index = i + 1;
                    switch (c.Of)
                    {
                        case BulkTable<T>.Kind.Uuid:
                            BindGuid(statement, index, c.Uuid!(row), guidTexts[i], ref guids[i]);
                            break;
                        case BulkTable<T>.Kind.NullableUuid:
                            if (c.NullableUuid!(row) is { } uuid)
                            {
                                BindGuid(statement, index, uuid, guidTexts[i], ref guids[i]);
                            }
                            else
                            {
                                raw.sqlite3_bind_null(statement, index);
                            }

                            break;
                        case BulkTable<T>.Kind.Integer:
                            raw.sqlite3_bind_int(statement, index, c.Integer!(row));
                            break;
                        case BulkTable<T>.Kind.Bigint:
                            raw.sqlite3_bind_int64(statement, index, c.Bigint!(row));
                            break;
                        case BulkTable<T>.Kind.Boolean:
                            raw.sqlite3_bind_int(statement, index, c.Boolean!(row) ? 1 : 0);
                            break;
                        case BulkTable<T>.Kind.Text:
                            SqliteRaw.BindText(statement, index, c.Text!(row));
                            break;
                        default:
                            raw.sqlite3_bind_text16(statement, index, SqliteRaw.Time(c.Time!(row)));
                            break;
                    }
                }

                SqliteRaw.Step(statement, handle);
            }
        }
    }

    private static void BindGuid(sqlite3_stmt statement, int index, Guid value, char[] text, ref Guid? formatted)
    {
        if (formatted != value)
        {
            SqliteRaw.UpperText(value, text);
            formatted = value;
        }

        raw.sqlite3_bind_text16(statement, index, text);
    }
}
