using System.Globalization;
using System.Text;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

public static class Stats
{
    // One upsert: concurrent writers (several send jobs, the recorder, a webhook) never lose an increment.
    public static async Task AddAsync(
        AppDb db, Guid team, Guid send, StatsDelta d, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SendStats" ("SendId", "TeamId", "Sent", "Failed", "SuppressedInvalid", "SuppressedHardBounce",
                "SuppressedUnsubscribed", "SuppressedBlacklisted", "Opens", "UniqueOpens", "MachineOpens", "Clicks",
                "UniqueClicks", "SoftBounces", "HardBounces", "RefusedHard", "Complaints", "Unsubscribes", "Desktop",
                "Mobile", "Tablet", "OtherDevice")
            VALUES ({send}, {team}, {d.Sent}, {d.Failed}, {d.SuppressedInvalid}, {d.SuppressedHardBounce},
                {d.SuppressedUnsubscribed}, {d.SuppressedBlacklisted}, {d.Opens}, {d.UniqueOpens}, {d.MachineOpens},
                {d.Clicks}, {d.UniqueClicks}, {d.SoftBounces}, {d.HardBounces}, {d.RefusedHard}, {d.Complaints},
                {d.Unsubscribes}, {d.Desktop}, {d.Mobile}, {d.Tablet}, {d.OtherDevice})
            ON CONFLICT ("SendId") DO UPDATE SET
                "Sent" = "SendStats"."Sent" + excluded."Sent", "Failed" = "SendStats"."Failed" + excluded."Failed",
                "SuppressedInvalid" = "SendStats"."SuppressedInvalid" + excluded."SuppressedInvalid",
                "SuppressedHardBounce" = "SendStats"."SuppressedHardBounce" + excluded."SuppressedHardBounce",
                "SuppressedUnsubscribed" = "SendStats"."SuppressedUnsubscribed" + excluded."SuppressedUnsubscribed",
                "SuppressedBlacklisted" = "SendStats"."SuppressedBlacklisted" + excluded."SuppressedBlacklisted",
                "Opens" = "SendStats"."Opens" + excluded."Opens",
                "UniqueOpens" = "SendStats"."UniqueOpens" + excluded."UniqueOpens",
                "MachineOpens" = "SendStats"."MachineOpens" + excluded."MachineOpens",
                "Clicks" = "SendStats"."Clicks" + excluded."Clicks",
                "UniqueClicks" = "SendStats"."UniqueClicks" + excluded."UniqueClicks",
                "SoftBounces" = "SendStats"."SoftBounces" + excluded."SoftBounces",
                "HardBounces" = "SendStats"."HardBounces" + excluded."HardBounces",
                "RefusedHard" = "SendStats"."RefusedHard" + excluded."RefusedHard",
                "Complaints" = "SendStats"."Complaints" + excluded."Complaints",
                "Unsubscribes" = "SendStats"."Unsubscribes" + excluded."Unsubscribes",
                "Desktop" = "SendStats"."Desktop" + excluded."Desktop",
                "Mobile" = "SendStats"."Mobile" + excluded."Mobile",
                "Tablet" = "SendStats"."Tablet" + excluded."Tablet",
                "OtherDevice" = "SendStats"."OtherDevice" + excluded."OtherDevice"
            """, cancellationToken);

    // The counts a delivery never changes, for a send's first row.
    private const string Zeros = "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0";

    // The delivery counts of several sends in one upsert (a group of outcomes spans many transactional sends).
    public static async Task AddDeliveriesAsync(
        AppDb db, Guid team, IReadOnlyList<(Guid Send, StatsDelta Delta)> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sends);
        foreach (var chunk in sends.Chunk(500))
        {
            var values = new StringBuilder();
            var parameters = new List<object>(chunk.Length * 8);
            foreach (var (send, d) in chunk)
            {
                var at = parameters.Count;
                values.Append(values.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"({{{at}}}, {{{at + 1}}}, {{{at + 2}}}, {{{at + 3}}}, {{{at + 4}}}, {{{at + 5}}}, {{{at + 6}}}, " +
                    $"{{{at + 7}}}, {Zeros})");
                parameters.AddRange(send, team, d.Sent, d.Failed, d.RefusedHard, d.SuppressedHardBounce,
                    d.SuppressedUnsubscribed, d.SuppressedBlacklisted);
            }

            // Only placeholders are interpolated: every value is a parameter.
            var sql = $"""
                INSERT INTO "SendStats" ("SendId", "TeamId", "Sent", "Failed", "RefusedHard", "SuppressedHardBounce",
                    "SuppressedUnsubscribed", "SuppressedBlacklisted", "SuppressedInvalid", "Opens", "UniqueOpens",
                    "MachineOpens", "Clicks", "UniqueClicks", "SoftBounces", "HardBounces", "Complaints",
                    "Unsubscribes", "Desktop", "Mobile", "Tablet", "OtherDevice")
                VALUES {values}
                ON CONFLICT ("SendId") DO UPDATE SET
                    "Sent" = "SendStats"."Sent" + excluded."Sent", "Failed" = "SendStats"."Failed" + excluded."Failed",
                    "RefusedHard" = "SendStats"."RefusedHard" + excluded."RefusedHard",
                    "SuppressedHardBounce" = "SendStats"."SuppressedHardBounce" + excluded."SuppressedHardBounce",
                    "SuppressedUnsubscribed" = "SendStats"."SuppressedUnsubscribed" + excluded."SuppressedUnsubscribed",
                    "SuppressedBlacklisted" = "SendStats"."SuppressedBlacklisted" + excluded."SuppressedBlacklisted"
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
