using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Communique.Data;

// New rows of a mapped entity written below EF's change tracking: multi-row INSERT statements on the context's
// connection, inside the caller's transaction. Table, columns and conversions come from the model, and each value
// becomes a parameter through its type mapping as in SaveChanges, so the rows read back as if EF had written them
// (GUIDs as upper-case text and UTC times on SQLite, enums by name) and a column added to the entity is written too.
public static class EntityRows
{
    // Parameters per statement, well below SQLite's limit (32,766) and PostgreSQL's (65,535).
    private const int MaxParameters = 8_000;

    private static readonly ConcurrentDictionary<IEntityType, Table> Tables = new();

    // suffix: appended to each statement, e.g. " ON CONFLICT DO NOTHING" (both providers read it).
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

        var table = Tables.GetOrAdd(db.Model.FindEntityType(typeof(T))!, Table.Of);
        var perStatement = Math.Max(1, MaxParameters / table.Columns.Length);
        var connection = db.Database.GetDbConnection();
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var end = Math.Min(rows.Count, start + perStatement);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            var sql = new StringBuilder(table.Insert);
            for (var r = start; r < end; r++)
            {
                sql.Append(r == start ? "(" : ", (");
                for (var c = 0; c < table.Columns.Length; c++)
                {
                    var column = table.Columns[c];
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

    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable);

    private sealed record Table(string Insert, Column[] Columns)
    {
        public static Table Of(IEntityType type)
        {
            var name = type.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, type.GetSchema());
            var properties = type.GetProperties().Where(p => !p.IsShadowProperty()).ToList();
            var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(store)}\""));
            return new Table(
                $"INSERT INTO \"{name}\" ({columns}) VALUES ",
                [.. properties.Select(p => new Column(p.GetGetter(), p.GetRelationalTypeMapping(), p.IsNullable))]);
        }
    }
}
