namespace Communique.Campaigns;

public enum MessageState
{
    Queued,
    Sending,
    Sent,
    Failed,
    Suppressed,
}
