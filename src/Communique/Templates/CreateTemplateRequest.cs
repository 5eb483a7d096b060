using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Templates;

public sealed record CreateTemplateRequest(
    [Required, MinLength(1), MaxLength(200), SingleLine] string? Name, [Required, MaxLength(16)] string? Channel,
    JsonElement? Content, Guid? AssetFolderId);
