namespace Communique.Reporting;

public sealed record Report(
    string Scope, Guid Id, int Sends, long Recipients, long Sent, long Delivered, long Failed,
    SuppressedCounts Suppressed, TwoCounts Opens, long MachineOpens, TwoCounts Clicks, BounceCounts Bounces,
    long Complaints, long Unsubscribes, DeviceCounts Devices,
    IReadOnlyList<HourCounts> TimeSeries, VideoCounts Video);
