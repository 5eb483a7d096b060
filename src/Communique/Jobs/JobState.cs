namespace Communique.Jobs;

public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Dead,
    Cancelled,
}
