using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.DataSources;

// Bulk writes of imported records, below EF Core (BulkWriter): EF's change tracking would cost more than parsing.
// Each batch commits on its own.
public static class RecordStore
{
    private static readonly BulkTable<DataRecord> Records = new BulkTable<DataRecord>("DataRecords")
        .Uuid("TeamId", r => r.TeamId)
        .Uuid("DataSourceId", r => r.DataSourceId)
        .Int4("Generation", r => r.Generation)
        .Bigint("Position", r => r.Position)
        .Uuid("Uuid", r => r.Uuid)
        .Text("Key", r => r.Key)
        .Text("Values", r => r.Values);

    public static async Task WriteAsync(AppDb db, IReadOnlyList<DataRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // A COPY commits as one by itself; SQLite's inserts share a transaction instead of committing one by one.
            await using var transaction = db is PostgresAppDb
                ? null
                : await db.Database.BeginTransactionAsync(cancellationToken);
            await BulkWriter.WriteAsync(db, Records, batch, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
