using Communique.Sending;
using MimeKit;

namespace Communique.Email;

// Hands finished emails to whatever delivers them, as their wire bytes, passing the gate right before the email is
// delivered for good. Implementations are safe to call from many threads at once.
public interface IMailTransport
{
    Task<DeliveryResult> SendAsync(WireEmail email, HandOverGate gate, CancellationToken cancellationToken);
}

public static class MailTransportExtensions
{
    // A message made with MimeKit (a system email) goes as MailKit would write it.
    public static Task<DeliveryResult> SendAsync(
        this IMailTransport transport, MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return transport.SendAsync(WireEmail.Of(message), HandOverGate.Open, cancellationToken);
    }
}
