using System.ComponentModel.DataAnnotations;

namespace Communique.Auth;

// The same e-mail may be a user of several accounts: customerId (or teamId) says which; without either, the account
// whose user has this password is the one signed in to.
public sealed record LoginRequest(
    [Required, MaxLength(320)] string? Email, [Required, MaxLength(256)] string? Password, Guid? TeamId,
    [MaxLength(210)] string? CustomerId);
