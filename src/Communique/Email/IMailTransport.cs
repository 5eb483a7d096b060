using Communique.Sending;
using MimeKit;

namespace Communique.Email;

// Hands finished messages to whatever delivers them. Implementations are safe to call from many threads at once.
public interface IMailTransport
{
    Task<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
