using System.ComponentModel.DataAnnotations;

namespace Communique.Deliverability;

public sealed record UnsubscribeEntryRequest(
    [Required, MaxLength(320)] string? Address, [MaxLength(200)] string? Category);
