using Communique.Http;

namespace Communique.Senders;

public sealed record SenderResponse(
    Guid Id, string Address, string Status, DateTime? VerifiedAt, DateTime? LinkExpiresAt, DateTime? LastSentAt,
    DateTime CreatedAt)
{
    public static SenderResponse From(Sender s, DateTime now) => new(
        s.Id, s.Address, WireNames.Of(s.StatusAt(now)), s.VerifiedAt, s.VerifiedAt is null ? s.TokenExpiresAt : null,
        s.LastSentAt, s.CreatedAt);
}
