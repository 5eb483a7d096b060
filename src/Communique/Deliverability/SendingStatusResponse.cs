namespace Communique.Deliverability;

public sealed record SendingStatusResponse(
    string State, double HardBounceRate, long Sent, long HardBounces, int WindowDays, double WarnAt, double SuspendAt,
    long MinimumSent, DateTime? WarnedAt, DateTime? SuspendedAt, DateTime? LiftedAt);
