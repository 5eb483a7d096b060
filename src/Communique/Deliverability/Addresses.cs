namespace Communique.Deliverability;

public static class Addresses
{
    // Lists compare addresses without case (RFC 5321 lets the local part be case-sensitive; no mailbox provider is).
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    public static string DomainOf(string address) => Normalize(address[(address.LastIndexOf('@') + 1)..]);
}
