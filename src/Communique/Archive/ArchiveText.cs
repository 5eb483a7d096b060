using System.Text;
using Communique.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Communique.Archive;

// The full-text index of the archive: on SQLite an FTS5 table that keeps only the index (its rowid is the entry's
// TextKey), on PostgreSQL a tsvector per entry under a GIN index. Both are given the same words: text is cut into
// runs of letters and digits, lower-cased, each kept to its first MaxIndexedWordChars, so that a query finds the same
// entries on either. PostgreSQL makes its tsvector from those words as they are (array_to_tsvector), without running
// its own parser over them again. A query is words that must all be there; a word ending in * is a prefix.
public static class ArchiveText
{
    public const int MaxChars = 32 * 1024;
    public const int MaxQueryWords = 16;
    private const int MaxWordChars = 64;

    // Far under PostgreSQL's limit of 2,046 bytes a lexeme, at four bytes a character.
    private const int MaxIndexedWordChars = 256;

    // The text as both indexes are given it: words separated by single spaces.
    public static string Words(string text, int maxChars = MaxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new StringBuilder(Math.Min(text.Length, maxChars));
        var wordChars = 0;
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c))
            {
                wordChars = 0;
                continue;
            }

            if (wordChars == 0 && words.Length > 0)
            {
                words.Append(' ');
            }

            if (wordChars < MaxIndexedWordChars)
            {
                words.Append(char.ToLowerInvariant(c));
            }

            wordChars++;

            if (words.Length >= maxChars)
            {
                break;
            }
        }

        return words.ToString();
    }

    // A search's words (each possibly a prefix), or the reason the query is refused.
    public static (List<(string Word, bool Prefix)> Terms, string? Error) Query(string query)
    {
        List<(string, bool)> terms = [];
        foreach (var part in query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = part.EndsWith('*');
            foreach (var word in Words(part).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.Length > MaxWordChars)
                {
                    return (terms, $"Words are at most {MaxWordChars} characters.");
                }

                terms.Add((word, false));
            }

            if (prefix && terms.Count > 0)
            {
                terms[^1] = (terms[^1].Item1, true);
            }
        }

        return terms.Count is 0 or > MaxQueryWords
            ? (terms, $"Give 1 to {MaxQueryWords} words of letters or digits.")
            : (terms, null);
    }

    // Indexes the entries' texts (entries without text are left out), in the caller's transaction.
    public static async Task AddAsync(
        AppDb db, IReadOnlyList<(ArchiveEntry Entry, string Text)> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Texts are indexed inside the caller's transaction.");
        if (connection is NpgsqlConnection)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO "ArchiveTexts" ("EntryId", "Vector")
                SELECT id, array_to_tsvector(string_to_array(words, ' ')) FROM unnest(@ids, @words) AS t(id, words)
                """, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
            {
                Value = texts.Select(t => t.Entry.Id).ToArray(),
            });
            insert.Parameters.Add(new NpgsqlParameter("words", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = texts.Select(t => t.Text).ToArray(),
            });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var command = new SqliteCommand(
            "INSERT INTO ArchiveTexts (rowid, Text) VALUES ($key, $text)",
            (SqliteConnection)connection, (SqliteTransaction)transaction);
        var key = command.Parameters.Add("$key", SqliteType.Integer);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        foreach (var (entry, words) in texts)
        {
            key.Value = entry.TextKey;
            text.Value = words;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // The first free key of the SQLite index, in the caller's transaction; null on PostgreSQL, whose index is keyed
    // by the entry's id.
    public static async Task<long?> NextKeyAsync(AppDb db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is NpgsqlConnection)
        {
            return null;
        }

        var last = await db.Database.SqlQueryRaw<long?>(
            "SELECT max(TextKey) AS Value FROM ArchiveEntries").SingleAsync(cancellationToken);
        return (last ?? 0) + 1;
    }

    // Drops the entries' texts from the index, in the caller's transaction.
    public static async Task RemoveAsync(AppDb db, IReadOnlyList<ArchiveEntry> entries, CancellationToken token)
    {
        if (db.Database.GetDbConnection() is NpgsqlConnection)
        {
            var ids = entries.Select(e => e.Id).ToArray();
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "ArchiveTexts" WHERE "EntryId" = ANY({ids})""", token);
            return;
        }

        foreach (var entry in entries.Where(e => e.TextKey is not null))
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM ArchiveTexts WHERE rowid = {entry.TextKey}", token);
        }
    }

    // The ids of the team's entries whose text has all the terms.
    public static IQueryable<Guid> Matching(AppDb db, Guid teamId, List<(string Word, bool Prefix)> terms)
    {
        if (db.Database.IsNpgsql())
        {
            // The words are the lexemes as they are (letters and digits only, so quoting them is enough), matching
            // the index made by array_to_tsvector.
            var query = string.Join(" & ", terms.Select(t => "'" + t.Word + "'" + (t.Prefix ? ":*" : "")));
            return db.Database.SqlQuery<Guid>($"""
                SELECT t."EntryId" AS "Value" FROM "ArchiveTexts" AS t
                JOIN "ArchiveEntries" AS e ON e."Id" = t."EntryId"
                WHERE e."TeamId" = {teamId} AND t."Vector" @@ CAST({query} AS tsquery)
                """);
        }

        // The unary + keeps SQLite from reading the team's entries by an index on TeamId: the matches come first.
        var match = string.Join(" ", terms.Select(t => "\"" + t.Word + "\"" + (t.Prefix ? "*" : "")));
        return db.Database.SqlQuery<Guid>($"""
            SELECT e.Id AS Value FROM ArchiveEntries e
            WHERE e.TextKey IN (SELECT rowid FROM ArchiveTexts WHERE ArchiveTexts MATCH {match})
                AND +e.TeamId = {teamId}
            """);
    }
}
