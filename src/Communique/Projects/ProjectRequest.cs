using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Projects;

public sealed record ProjectRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name, [MaxLength(2000)] string? Description);
