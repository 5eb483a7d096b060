using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Accounts;

public sealed record CreateTeamRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name,
    [Required, MaxLength(64), RegularExpression("^[a-z0-9-]{2,64}$")] string? Region,
    [EmailAddress, MaxLength(320)] string? AdministratorEmail);
