namespace Communique.Campaigns;

public enum SendState
{
    Scheduled,
    Sending,
    Paused,
    Completed,
    Cancelled,
    Failed,
}
