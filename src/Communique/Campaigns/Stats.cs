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
