using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Reporting;

// A send's numbers, kept up to date as things happen (the delivery job's batches, the tracking recorder, provider
// reports, unsubscribes), so that a report adds up a few rows however many messages the sends had.
public sealed class SendStats : ITeamOwned
{
    public Guid SendId { get; set; }
    public Guid TeamId { get; set; }
    public long Sent { get; set; }
    public long Failed { get; set; }
    public long SuppressedInvalid { get; set; }
    public long SuppressedHardBounce { get; set; }
    public long SuppressedUnsubscribed { get; set; }
    public long SuppressedBlacklisted { get; set; }
    public long Opens { get; set; }
    public long UniqueOpens { get; set; }
    public long MachineOpens { get; set; }
    public long Clicks { get; set; }
    public long UniqueClicks { get; set; }
    public long SoftBounces { get; set; }
    // Reported by a provider after the relay took the message (DSN 5.x.x).
    public long HardBounces { get; set; }

    // Refused by the relay with a 5xx (also counted in Failed).
    public long RefusedHard { get; set; }
    public long Complaints { get; set; }
    public long Unsubscribes { get; set; }
    public long Desktop { get; set; }
    public long Mobile { get; set; }
    public long Tablet { get; set; }
    public long OtherDevice { get; set; }
}

// Human opens and clicks of a send per UTC hour.
public sealed class SendHourlyStats : ITeamOwned
{
    public Guid SendId { get; set; }
    public Guid TeamId { get; set; }
    public DateTime Hour { get; set; }
    public long Opens { get; set; }
    public long Clicks { get; set; }
}

// Increments of a send's numbers; zero fields change nothing.
public sealed record StatsDelta
{
    public long Sent { get; init; }
    public long Failed { get; init; }
    public long SuppressedInvalid { get; init; }
    public long SuppressedHardBounce { get; init; }
    public long SuppressedUnsubscribed { get; init; }
    public long SuppressedBlacklisted { get; init; }
    public long Opens { get; init; }
    public long UniqueOpens { get; init; }
    public long MachineOpens { get; init; }
    public long Clicks { get; init; }
    public long UniqueClicks { get; init; }
    public long SoftBounces { get; init; }
    public long HardBounces { get; init; }
    public long RefusedHard { get; init; }
    public long Complaints { get; init; }
    public long Unsubscribes { get; init; }
    public long Desktop { get; init; }
    public long Mobile { get; init; }
    public long Tablet { get; init; }
    public long OtherDevice { get; init; }
}

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
