namespace Communique.Auth;

public enum Role
{
    Administrator,
    Designer,
    Developer,
    Reporter,
    CampaignCreator,
    LiveTakeover,
}
