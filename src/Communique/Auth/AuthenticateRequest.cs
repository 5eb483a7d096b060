using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Communique.Auth;

// The wire shape of EngageOne's /authenticate: snake_case fields, a bare JSON string back.
public sealed record AuthenticateRequest(
    [property: JsonPropertyName("client_id"), Required, MaxLength(200)] string? ClientId,
    [property: JsonPropertyName("secret"), Required, MaxLength(200)] string? Secret,
    [property: JsonPropertyName("customer_id"), Required, MaxLength(210)] string? CustomerId);
