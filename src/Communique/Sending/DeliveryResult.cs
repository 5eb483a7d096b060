namespace Communique.Sending;

// What happened to one message, with the server's reply as it was given, and how many times it was handed over to
// get there (a relay that could not be reached counts as one try; a resend on a fresh connection after a kept one
// turned out closed counts as another). RetryAfter: when the receiving service asked to be tried again (HTTP's
// Retry-After), which a temporary failure waits for instead of the usual backoff.
public sealed record DeliveryResult(
    DeliveryOutcome Outcome, string? Reply, int HandOvers = 1, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Accepted(string? reply, int handOvers = 1) =>
        new(DeliveryOutcome.Accepted, reply, handOvers);
}
