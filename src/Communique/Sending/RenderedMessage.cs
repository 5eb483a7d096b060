namespace Communique.Sending;

// What a renderer made of one message's record: the message for the transport and what is recorded about it (the
// identifier a provider's reports name it by), or why it could not be made (the message then fails without a
// hand-over).
public sealed record RenderedMessage(OutgoingMessage? Message, string? MessageIdHeader, string? Failure)
{
    public static RenderedMessage Made(OutgoingMessage message, string? messageIdHeader) =>
        new(message, messageIdHeader, null);

    public static RenderedMessage Failed(string failure) => new(null, null, failure);
}
