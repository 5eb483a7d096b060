using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Communique.Data;

public static class DbErrors
{
    // A unique index refused the write: two requests raced for the same name.
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is DbException inner && inner.IsUniqueViolation();

    public static bool IsUniqueViolation(this DbException e) => e switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 2067,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    // Saves, or answers false when a unique index refused the write (a name taken, or taken by a racing request).
    public static async Task<bool> SaveUniqueAsync(this AppDb db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return false;
        }
    }
}
