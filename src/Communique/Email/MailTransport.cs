using MimeKit;

namespace Communique.Email;

public enum DeliveryOutcome
{
    // The relay (or the pickup folder) took the message.
    Accepted,

    // A 4xx reply, a lost connection or a timeout: worth trying again later.
    TemporaryFailure,

    // A 5xx reply: the message will never be taken as it is (a hard bounce).
    PermanentFailure,
}

// What happened to one message, with the server's reply as it was given, and how many times it was handed over to
// get there (a relay that could not be reached counts as one try; a resend on a fresh connection after a kept one
// turned out closed counts as another).
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Reply, int HandOvers = 1)
{
    public static DeliveryResult Accepted(string? reply, int handOvers = 1) =>
        new(DeliveryOutcome.Accepted, reply, handOvers);
}

// Hands finished messages to whatever delivers them. Implementations are safe to call from many threads at once.
public interface IMailTransport
{
    Task<DeliveryResult> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
