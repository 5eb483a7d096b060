namespace Communique.Campaigns;

public enum SendingState
{
    Ok,
    Warned,
    Suspended,
}
