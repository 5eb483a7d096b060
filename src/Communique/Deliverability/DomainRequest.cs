using System.ComponentModel.DataAnnotations;

namespace Communique.Deliverability;

public sealed record DomainRequest([Required, MaxLength(253)] string? Domain);
