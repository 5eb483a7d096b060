using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Communique.Data;

// Helpers for the bulk writers that step prepared statements through SQLite's C API, writing values exactly as EF
// Core's SQLite provider does, so that EF's queries read them back.
public static class SqliteRaw
{
    // EF Core's SQLite provider stores GUIDs as upper-case text.
    public static void UpperText(Guid value, Span<char> into)
    {
        value.TryFormat(into, out _);
        System.Text.Ascii.ToUpperInPlace(into, out _);
    }

    // Microsoft.Data.Sqlite's text form of a DateTime; EF's comparisons of these columns compare this text.
    public static string Time(DateTime value) =>
        value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    // A text parameter, or NULL.
    public static void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text16(statement, index, value);
        }
    }

    // Runs a statement that returns no rows and makes it ready for the next values.
    public static void Step(sqlite3_stmt statement, sqlite3 handle)
    {
        var stepped = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (stepped != raw.SQLITE_DONE)
        {
            Check(stepped, handle);
        }
    }

    public static void Check(int result, sqlite3 handle)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, handle);
        }
    }
}
