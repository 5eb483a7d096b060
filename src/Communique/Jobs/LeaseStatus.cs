namespace Communique.Jobs;

public enum LeaseStatus
{
    Held,
    CancelRequested,
    Lost,
}
