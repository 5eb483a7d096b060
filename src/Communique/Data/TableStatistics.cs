using Microsoft.EntityFrameworkCore;

namespace Communique.Data;

// After a bulk load PostgreSQL's planner keeps the table's old statistics until autovacuum analyzes it (later, and only
// past its thresholds), so reads by key from a table just filled by COPY are planned as scans of the whole table.
// Loads of many rows refresh them at once. SQLite plans from the schema alone, except for the archive's entries,
// whose searches (newest first, by recipient, record or send) need to know that a team's rows are many and a
// recipient's few: their statistics are taken as the archive grows (a sample, in milliseconds).
public static class TableStatistics
{
    public const long ManyRows = 10_000;

    // The statements, one per table that is loaded in bulk (ANALYZE takes no parameters).
    private static readonly Dictionary<string, string> Analyze = new(StringComparer.Ordinal)
    {
        ["DataRecords"] = "ANALYZE \"DataRecords\"",
        ["OutboundMessages"] = "ANALYZE \"OutboundMessages\"",
    };

    public static async Task RefreshAfterLoadAsync(AppDb db, string table, long rows,
        CancellationToken cancellationToken)
    {
        if (!Analyze.TryGetValue(table, out var statement))
        {
            throw new ArgumentException($"'{table}' is not a bulk-loaded table.", nameof(table));
        }

        if (rows >= ManyRows && db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }
    }

    // Called once an append has taken the archive past size; statistics are taken at 10,000 entries and at each
    // doubling after.
    public static async Task RefreshArchiveAsync(AppDb db, long before, long after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var mark = ManyRows;
        while (mark <= before)
        {
            mark *= 2;
        }

        if (after < mark)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? "ANALYZE \"ArchiveEntries\""
            : "PRAGMA analysis_limit = 1000; ANALYZE ArchiveEntries", cancellationToken);
    }
}
