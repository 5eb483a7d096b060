using Communique.Sending;

namespace Communique.Email;

// An email as the email channel's transport takes it: its wire bytes and envelope, made once when it was composed
// (and signed), and the words the archive's search finds it by, its subject and text part.
public sealed class EmailOutgoing(WireEmail email, string subject, string text) : OutgoingMessage
{
    public WireEmail Email => email;

    public override string? SearchText => subject + "\n" + text;

    public override ReadOnlyMemory<byte> Bytes() => email.Bytes;
}
