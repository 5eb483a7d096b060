using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Communications;

public sealed record UpdateCommunicationRequest(
    [MinLength(1), MaxLength(200), SingleLine] string? Name, JsonElement? Content);
