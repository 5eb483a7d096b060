namespace Communique.Http;

// The catalogue of problem types: one stable URI per kind of error (RFC 9457).
public static class ProblemTypes
{
    private const string Prefix = "urn:communique:problem:";

    public const string Validation = Prefix + "validation";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string NotFound = Prefix + "not-found";
    public const string Conflict = Prefix + "conflict";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string InvalidCredentials = Prefix + "invalid-credentials";
    public const string Forbidden = Prefix + "forbidden";
    public const string MissingCustomerId = Prefix + "missing-customer-id";
    public const string CustomerIdMismatch = Prefix + "customer-id-mismatch";
    public const string RateLimited = Prefix + "rate-limited";
    public const string AccountLocked = Prefix + "account-locked";
    public const string PreconditionFailed = Prefix + "precondition-failed";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string UnreadableData = Prefix + "unreadable-data";
    public const string RenderFailed = Prefix + "render-failed";
    public const string Expired = Prefix + "expired";
    public const string SendingSuspended = Prefix + "sending-suspended";
    // A send from an address that is not a verified sender of the team.
    public const string SenderNotVerified = Prefix + "sender-not-verified";
    // A send of a channel this installation cannot deliver (no renderer and transport registered for it).
    public const string ChannelNotAvailable = Prefix + "channel-not-available";
    // Input whose processing takes longer than allowed: a transactional call's render budget, a regex's match timeout.
    public const string TooComplex = Prefix + "too-complex";
    public const string CancelledElsewhere = Prefix + "cancelled-through-its-own-endpoint";
    // A message to a chat conversation that has ended: start a new one (a plain conflict may be sent again).
    public const string ConversationEnded = Prefix + "conversation-ended";
    // A request the server can no longer complete because it is stopping; Retry-After says when to send it again.
    public const string ServerStopping = Prefix + "server-stopping";
    // Something not made or taken yet (a video being rendered, events waiting to be written); Retry-After says when
    // to ask again.
    public const string NotReady = Prefix + "not-ready";
    public const string Unexpected = Prefix + "unexpected";

    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        409 => Conflict,
        412 => PreconditionFailed,
        413 => PayloadTooLarge,
        429 => RateLimited,
        _ => Prefix + "http-" + status,
    };
}
