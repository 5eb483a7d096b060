using System.ComponentModel.DataAnnotations;

namespace Communique.Accounts;

public sealed record UpdateMemberRequest([Required, MaxLength(32)] string? Role);
