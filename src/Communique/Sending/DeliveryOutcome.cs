namespace Communique.Sending;

public enum DeliveryOutcome
{
    // The relay (or the pickup folder, or the push service) took the message.
    Accepted,

    // A 4xx reply, a lost connection or a timeout: worth trying again later.
    TemporaryFailure,

    // The address was refused for good (an SMTP 5xx: a hard bounce; a push subscription that no longer exists).
    PermanentFailure,

    // The message was refused for good as it is (a push payload too large), while its address stays good.
    Rejected,

    // The channel's credentials were refused: the message waits, untried, and its send pauses with the reply as the
    // reason until someone fixes them and resumes it.
    Paused,
}
