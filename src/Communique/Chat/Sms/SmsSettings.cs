using System.Text.RegularExpressions;
using Communique.Tenancy;

namespace Communique.Chat.Sms;

// A team's SMS channel: the Twilio account its bots speak through, the number they speak from, the bot that answers
// people who write to that number first, and the key that makes the team's inbound webhook URL unguessable. The auth
// token signs Twilio's webhooks and authenticates our calls, so it is kept sealed under the master key (checking a
// signature needs the token itself, not a hash of it) and never shown again; its last four characters are kept apart
// to tell an administrator which token is set.
public sealed partial class SmsSettings : ITeamOwned
{
    public Guid TeamId { get; set; }
    public required string AccountSid { get; set; }
    public required byte[] SealedAuthToken { get; set; }
    public required string AuthTokenEnding { get; set; }
    public required string From { get; set; }
    public Guid BotId { get; set; }
    public required string WebhookKey { get; set; }
    public DateTime UpdatedAt { get; set; }

    // E.164: a plus, a country code and up to 15 digits in all.
    public static bool IsPhoneNumber(string? text) => text is not null && PhoneNumber().IsMatch(text);

    public static bool IsAccountSid(string? text) => text is not null && AccountSidPattern().IsMatch(text);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneNumber();

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountSidPattern();
}
