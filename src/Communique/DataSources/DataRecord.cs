using Communique.Tenancy;

namespace Communique.DataSources;

// One record. Values is a JSON array in schema order (raw text as imported; repeaters as arrays of arrays),
// so renaming or retyping a field changes the schema only, never a million rows.
public sealed class DataRecord : ITeamOwned
{
    public Guid TeamId { get; set; }
    public Guid DataSourceId { get; set; }
    public int Generation { get; set; }
    public long Position { get; set; }

    // The system uuid: kept across replacements for records whose unique identifier is unchanged.
    public Guid Uuid { get; set; }
    public string? Key { get; set; }
    public required string Values { get; set; }
}
