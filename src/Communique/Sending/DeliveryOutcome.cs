namespace Communique.Sending;

public enum DeliveryOutcome
{
    // The relay (or the pickup folder) took the message.
    Accepted,

    // A 4xx reply, a lost connection or a timeout: worth trying again later.
    TemporaryFailure,

    // A 5xx reply: the message will never be taken as it is (a hard bounce).
    PermanentFailure,
}
