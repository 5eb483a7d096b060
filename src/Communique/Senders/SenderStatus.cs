namespace Communique.Senders;

public enum SenderStatus
{
    Pending,
    Verified,
    Expired,
}
