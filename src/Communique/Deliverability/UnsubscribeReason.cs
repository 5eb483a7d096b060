namespace Communique.Deliverability;

// Why an address is on a team's unsubscribed list.
public enum UnsubscribeReason
{
    // Added by the team through the API.
    Manual,

    // The recipient used an unsubscribe link, the one-click POST or the mailto address.
    Recipient,

    // A hard bounce reported about one of the team's messages: the team does not send to the address again, even when
    // it whitelisted it (reports from the team's own provider stop only the team's mail; the global list holds what
    // the platform itself saw).
    HardBounce,

    // The recipient reported a message as spam.
    Complaint,
}
