using Communique.Http;

namespace Communique.Email.Dkim;

public sealed record DkimKeyResponse(
    Guid Id, string Domain, string Selector, string Algorithm, DnsRecord DnsRecord, DateTime CreatedAt)
{
    public static DkimKeyResponse From(DkimKey k) =>
        new(k.Id, k.Domain, k.Selector, WireNames.Of(k.Algorithm), new DnsRecord(k.RecordName, "TXT", k.RecordValue),
            k.CreatedAt);
}
