using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Email.Dkim;

public sealed record DkimKeyRequest(
    [MaxLength(253), DomainName] string? Domain,
    [MinLength(1), MaxLength(63), RegularExpression("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
        ErrorMessage = "1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen.")]
    string? Selector,
    [MaxLength(16), WireName<DkimAlgorithm>(ErrorMessage = "'rsa' (RSA-2048, the default) or 'ed25519'.")]
    string? Algorithm);
