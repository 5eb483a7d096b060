namespace Communique.Campaigns;

public sealed record MessageResponse(
    Guid Id, long Position, Guid? RecordUuid, string Address, string State, int Attempts, string? LastReply,
    string? SuppressionReason,
    string? MessageId, DateTime CreatedAt, DateTime? SentAt, DateTime? NextAttemptAt);
