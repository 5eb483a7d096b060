namespace Communique.Http;

// What came back, or why nothing did. Reason is a sentence for people; Body is the response as text, decoded with the
// charset the response names (UTF-8 when it names none), and never more than the request's MaxResponseBytes bytes.
// A status of 0 means no response was read. Bytes holds the body instead, undecoded, when the request was Binary.
public sealed record OutboundResponse(
    OutboundFailure Failure,
    string? Reason,
    int Status,
    string? ContentType,
    string? Body)
{
    public byte[]? Bytes { get; init; }

    internal static OutboundResponse Failed(OutboundFailure failure, string reason) =>
        new(failure, reason, 0, null, null);
}
