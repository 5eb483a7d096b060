using System.ComponentModel.DataAnnotations;

namespace Communique.Deliverability;

public sealed record UnsubscribeRequest([MaxLength(1000)] string? Token, [MaxLength(16)] string? Scope);
