using System.ComponentModel.DataAnnotations;

namespace Communique.Chat.Sms;

// The team's SMS settings. AuthToken may be left out to keep the token already set.
public sealed record SmsSettingsRequest(
    [property: MaxLength(64)] string? AccountSid,
    [property: MaxLength(256)] string? AuthToken,
    [property: MaxLength(32)] string? From,
    Guid? BotId);

// The token itself is never shown: only that it is set and how it ends. WebhookUrl is what Twilio's number calls
// "A message comes in".
public sealed record SmsSettingsResponse(
    string AccountSid,
    bool AuthTokenSet,
    string AuthTokenEnding,
    string From,
    Guid BotId,
    string WebhookUrl,
    DateTime UpdatedAt)
{
    public static SmsSettingsResponse Of(SmsSettings s, Func<string, string> link) =>
        new(s.AccountSid, s.SealedAuthToken.Length > 0, s.AuthTokenEnding, s.From, s.BotId,
            link($"/public/chat/sms/{s.WebhookKey}"), s.UpdatedAt);
}
