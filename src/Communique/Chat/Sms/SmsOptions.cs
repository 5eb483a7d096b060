using System.ComponentModel.DataAnnotations;

namespace Communique.Chat.Sms;

// How the SMS channel reaches Twilio's Messages API (Chat:Sms).
public sealed class SmsOptions
{
    public const string Section = "Chat:Sms";

    // Another base URL serves a Twilio-compatible gateway or a test's loopback server.
    [Required]
    [Url]
    public string TwilioBaseUrl { get; set; } = "https://api.twilio.com";

    // Tries of one message when Twilio answers 429 or 5xx or cannot be reached; the wait doubles after each.
    [Range(1, 5)]
    public int Attempts { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool HasSaneTimes() =>
        RetryDelay >= TimeSpan.Zero && RetryDelay <= TimeSpan.FromSeconds(30)
        && RequestTimeout > TimeSpan.Zero && RequestTimeout <= TimeSpan.FromSeconds(60);
}
