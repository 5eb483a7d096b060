namespace Communique.Campaigns;

// How a send came: a bulk send of a data source's records, or a transactional call carrying its records inline
// (delivered with the team's other transactional calls by one job).
public enum SendKind
{
    Bulk,
    Transactional,
}
