namespace Communique.Tenancy;

// Everything a team owns implements this once; AppDb filters and stamps it by convention.
public interface ITeamOwned
{
    Guid TeamId { get; set; }
}
