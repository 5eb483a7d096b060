namespace Communique.Data;

// The columns of a table that BulkWriter fills, in order, each with the kind of value it holds and how a row gives
// it. The kind says how the value is written: as EF Core's provider would store it, so that its queries read it back.
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
        Func<T, DateTime>? Time = null);

    private readonly List<Column> _columns = [];
    private string? _insertSql;
    private string? _copySql;

    internal IReadOnlyList<Column> Columns => _columns;

    // SQLite: one row's values as numbered parameters, for a statement prepared once and stepped per row.
    internal string InsertSql => _insertSql ??=
        $"""INSERT INTO "{name}" ({ColumnList}) VALUES ({string.Join(", ", _columns.Select((_, i) => $"?{i + 1}"))})""";

    internal string CopySql => _copySql ??= $"""COPY "{name}" ({ColumnList}) FROM STDIN (FORMAT BINARY)""";

    private string ColumnList => string.Join(", ", _columns.Select(c => $"\"{c.Name}\""));

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
        _copySql = null;
        return this;
    }
}
