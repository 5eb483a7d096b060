namespace Communique.Auth;

public enum Area
{
    Communications,
    CreateCommunication,
    Campaigns,
    Reporting,
    Suppression,
    DataSources,
    Templates,
    Assets,
    TeamAdministration,
    LiveTakeover,
    Archive,
}
