using System.ComponentModel.DataAnnotations;

namespace Communique.Email.Dkim;

// A domain a DKIM key can sign for: what DkimKey.NormalizeDomain reads (an internationalised name is taken too).
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class DomainNameAttribute()
    : ValidationAttribute("A domain name, like example.com: letters, digits and hyphens in dot-separated labels.")
{
    public override bool IsValid(object? value) => DkimKey.NormalizeDomain(value as string) is not null;
}
