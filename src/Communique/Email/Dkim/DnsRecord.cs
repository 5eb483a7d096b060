namespace Communique.Email.Dkim;

public sealed record DnsRecord(string Name, string Type, string Value);
