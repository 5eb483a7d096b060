using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Communique.Data;

// The columns of a table that BulkWriter fills, in order, each with the kind of value it holds and how a row gives
// it. The kind says how the value is written: as EF Core's provider would store it, so that its queries read it back.
// A table is written by hand for a store that writes many rows (BulkWriter.WriteAsync), or taken from the model for
// the few rows of a group commit (BulkWriter.InsertAsync).
public sealed class BulkTable<T>(string name)
{
    internal enum Kind
    {
        Uuid,
        NullableUuid,
        Integer,
        Bigint,
        Boolean,
        Text,
        Time,

        // A property of the model, converted by its type mapping; written by InsertAsync only.
        Mapped,
    }

    // One getter is set, the one of the column's kind.
    internal sealed record Column(
        string Name,
        Kind Of,
        Func<T, Guid>? Uuid = null,
        Func<T, Guid?>? NullableUuid = null,
        Func<T, int>? Integer = null,
        Func<T, long>? Bigint = null,
        Func<T, bool>? Boolean = null,
        Func<T, string?>? Text = null,
        Func<T, DateTime>? Time = null,
        MappedProperty? Mapped = null);

    internal sealed record MappedProperty(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable);

    private static readonly ConcurrentDictionary<IEntityType, BulkTable<T>> Models = new();

    private readonly List<Column> _columns = [];
    private string? _insertSql;
    private string? _insertHeadSql;
    private string? _copySql;

    internal IReadOnlyList<Column> Columns => _columns;

    // SQLite: one row's values as numbered parameters, for a statement prepared once and stepped per row.
    internal string InsertSql => _insertSql ??=
        $"""INSERT INTO "{name}" ({ColumnList}) VALUES ({string.Join(", ", _columns.Select((_, i) => $"?{i + 1}"))})""";

    // Both providers: the head of a multi-row insert, whose rows follow as "(...), (...)".
    internal string InsertHeadSql => _insertHeadSql ??= $"""INSERT INTO "{name}" ({ColumnList}) VALUES """;

    internal string CopySql => _copySql ??= $"""COPY "{name}" ({ColumnList}) FROM STDIN (FORMAT BINARY)""";

    private string ColumnList => string.Join(", ", _columns.Select(c => $"\"{c.Name}\""));

    // Every column of T's entity in the model (shadow properties aside), each value converted by the property's type
    // mapping as SaveChanges converts it (GUIDs as upper-case text and UTC times on SQLite, enums by name): the rows
    // read back as if EF had written them, and a column added to the entity is written too.
    internal static BulkTable<T> Of(IModel model) =>
        Models.GetOrAdd(model.FindEntityType(typeof(T))!, static type =>
        {
            var name = type.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, type.GetSchema());
            var table = new BulkTable<T>(name);
            foreach (var p in type.GetProperties().Where(p => !p.IsShadowProperty()))
            {
                table.Add(new(p.GetColumnName(store)!, Kind.Mapped,
                    Mapped: new(p.GetGetter(), p.GetRelationalTypeMapping(), p.IsNullable)));
            }

            return table;
        });

    public BulkTable<T> Uuid(string column, Func<T, Guid> value) => Add(new(column, Kind.Uuid, Uuid: value));

    public BulkTable<T> NullableUuid(string column, Func<T, Guid?> value) =>
        Add(new(column, Kind.NullableUuid, NullableUuid: value));

    // int4.
    public BulkTable<T> Int4(string column, Func<T, int> value) => Add(new(column, Kind.Integer, Integer: value));

    // int8 (bigint).
    public BulkTable<T> Bigint(string column, Func<T, long> value) => Add(new(column, Kind.Bigint, Bigint: value));

    // A bool: 0 or 1 on SQLite.
    public BulkTable<T> Flag(string column, Func<T, bool> value) => Add(new(column, Kind.Boolean, Boolean: value));

    // Null is written as NULL.
    public BulkTable<T> Text(string column, Func<T, string?> value) => Add(new(column, Kind.Text, Text: value));

    // A UTC time.
    public BulkTable<T> Time(string column, Func<T, DateTime> value) => Add(new(column, Kind.Time, Time: value));

    private BulkTable<T> Add(Column column)
    {
        _columns.Add(column);
        _insertSql = null;
        _insertHeadSql = null;
        _copySql = null;
        return this;
    }
}
