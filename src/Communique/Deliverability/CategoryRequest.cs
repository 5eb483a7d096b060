using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Deliverability;

public sealed record CategoryRequest(
    [Required, MaxLength(200), SingleLine] string? Name, [MaxLength(500)] string? Description);
