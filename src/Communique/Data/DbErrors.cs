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
}
