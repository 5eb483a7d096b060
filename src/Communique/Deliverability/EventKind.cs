namespace Communique.Deliverability;

public enum EventKind
{
    Open,
    Click,
    Unsubscribe,

    // From a provider's report (DSN or ARF) or the bounce mailbox; a synchronous 5xx stays on the message itself.
    SoftBounce,
    HardBounce,
    Complaint,
}
