using System.Globalization;
using System.Text;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

public static class Stats
{
    private static readonly string[] Columns =
    [
        "Sent", "Failed", "SuppressedInvalid", "SuppressedHardBounce", "SuppressedUnsubscribed",
        "SuppressedBlacklisted", "Opens", "UniqueOpens", "MachineOpens", "Clicks", "UniqueClicks", "SoftBounces",
        "HardBounces", "RefusedHard", "Complaints", "Unsubscribes", "Desktop", "Mobile", "Tablet", "OtherDevice",
    ];

    private static readonly string Names = string.Join(", ", Columns.Select(c => $"\"{c}\""));

    private static readonly string Increments = string.Join(
        ", ", Columns.Select(c => $"\"{c}\" = \"SendStats\".\"{c}\" + excluded.\"{c}\""));

    // One upsert: concurrent writers (several send jobs, the recorder, a webhook) never lose an increment.
    public static Task AddAsync(AppDb db, Guid team, Guid send, StatsDelta d, CancellationToken cancellationToken) =>
        AddAllAsync(db, team, [(send, d)], cancellationToken);

    // The counts of several sends in one upsert (a group of delivery outcomes spans many transactional sends).
    public static async Task AddAllAsync(
        AppDb db, Guid team, IReadOnlyList<(Guid Send, StatsDelta Delta)> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sends);
        foreach (var chunk in sends.Chunk(500))
        {
            var rows = new StringBuilder();
            var parameters = new List<object>(chunk.Length * (Columns.Length + 2));
            foreach (var (send, d) in chunk)
            {
                var at = parameters.Count;
                rows.Append(rows.Length == 0 ? "(" : ", (").AppendJoin(", ", Enumerable.Range(at, Columns.Length + 2)
                    .Select(i => string.Create(CultureInfo.InvariantCulture, $"{{{i}}}"))).Append(')');
                parameters.AddRange(send, team, d.Sent, d.Failed, d.SuppressedInvalid, d.SuppressedHardBounce,
                    d.SuppressedUnsubscribed, d.SuppressedBlacklisted, d.Opens, d.UniqueOpens, d.MachineOpens, d.Clicks,
                    d.UniqueClicks, d.SoftBounces, d.HardBounces, d.RefusedHard, d.Complaints, d.Unsubscribes,
                    d.Desktop, d.Mobile, d.Tablet, d.OtherDevice);
            }

            // Only placeholders and column names are interpolated: every value is a parameter.
            var sql = $"""
                INSERT INTO "SendStats" ("SendId", "TeamId", {Names})
                VALUES {rows}
                ON CONFLICT ("SendId") DO UPDATE SET {Increments}
                """;
            await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
    }

    public static async Task AddHourAsync(
        AppDb db, Guid team, Guid send, DateTime hour, long opens, long clicks, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SendHourlyStats" ("SendId", "TeamId", "Hour", "Opens", "Clicks")
            VALUES ({send}, {team}, {hour}, {opens}, {clicks})
            ON CONFLICT ("SendId", "Hour") DO UPDATE SET "Opens" = "SendHourlyStats"."Opens" + excluded."Opens",
                "Clicks" = "SendHourlyStats"."Clicks" + excluded."Clicks"
            """, cancellationToken);

    public static DateTime HourOf(DateTime at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
}
