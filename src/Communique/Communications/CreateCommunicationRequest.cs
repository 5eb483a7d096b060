using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Communications;

public sealed record CreateCommunicationRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name,
    [Required, MaxLength(16)] string? Channel,
    JsonElement? Content,
    Guid? TemplateId);
