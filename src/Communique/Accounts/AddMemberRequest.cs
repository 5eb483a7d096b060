using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Accounts;

public sealed record AddMemberRequest(
    [Required, EmailAddress, MaxLength(320)] string? Email,
    [MaxLength(200), SingleLine] string? DisplayName,
    [Required, MaxLength(32)] string? Role,
    [MinLength(12), MaxLength(256)] string? Password);
