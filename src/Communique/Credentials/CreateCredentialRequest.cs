using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Credentials;

public sealed record CreateCredentialRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name, [Required, MaxLength(32)] string? Role);
