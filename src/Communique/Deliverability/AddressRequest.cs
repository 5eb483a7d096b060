using System.ComponentModel.DataAnnotations;

namespace Communique.Deliverability;

public sealed record AddressRequest([Required, MaxLength(320)] string? Address);
