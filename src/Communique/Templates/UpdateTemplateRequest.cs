using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Templates;

public sealed record UpdateTemplateRequest(
    [MinLength(1), MaxLength(200), SingleLine] string? Name, JsonElement? Content, Guid? AssetFolderId);
