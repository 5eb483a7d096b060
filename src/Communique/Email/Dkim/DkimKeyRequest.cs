using System.ComponentModel.DataAnnotations;

namespace Communique.Email.Dkim;

public sealed record DkimKeyRequest(
    [MaxLength(253)] string? Domain, [MaxLength(63)] string? Selector, [MaxLength(16)] string? Algorithm);
