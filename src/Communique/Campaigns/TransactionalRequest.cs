using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Communique.Http;

namespace Communique.Campaigns;

// The EngageOne-compatible transactional sends (docs/transactional.md): EngageOne clients call them unchanged, so the
// field names (snake_case) and shapes are a contract; RequestShape names the errors by them.
public sealed record TransactionalRequest(
    [property: JsonPropertyName("communication"), MaxLength(200),
        Required(ErrorMessage = "The name of the communication to send.")] string? Communication,
    [property: JsonPropertyName("project"), MaxLength(200),
        Required(ErrorMessage = "The name of the project that holds it.")] string? Project,
    [property: JsonPropertyName("dataset"), JsonRecords] JsonElement? Dataset,
    [property: JsonPropertyName("email_json_path"), MaxLength(1000), Required(ErrorMessage = "Where each record's "
        + "address is: the name of its field, or on the v1 endpoint a JSONPath such as $[*].email.")]
    string? EmailJsonPath,
    [property: JsonPropertyName("sender"), MaxLength(320),
        Required(ErrorMessage = "A verified sender address of the team.")] string? Sender,
    [property: JsonPropertyName("sender_name"), MaxLength(200), SingleLine] string? SenderName,
    [property: JsonPropertyName("reply_to"), MaxLength(320), Mailbox] string? ReplyTo,
    [property: JsonPropertyName("subject"), MaxLength(1000), SingleLine] string? Subject,
    [property: JsonPropertyName("ignore_missing_fields")] bool? IgnoreMissingFields);
