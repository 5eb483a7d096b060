using System.Security.Cryptography;
using System.Text;

namespace Communique.Chat.Sms;

// Twilio's webhook signature (X-Twilio-Signature): base64 of HMAC-SHA1, keyed by the account's auth token, over the
// full URL Twilio requested followed by each POST parameter's name and value, by name in ordinal (case-sensitive)
// order; a name given twice contributes its values in ordinal order.
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "Twilio signs with HMAC-SHA1, which does not rest on SHA-1's collision resistance.")]
    public static bool Matches(
        string? signature, string authToken, string url, IEnumerable<KeyValuePair<string, string[]>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Span<byte> given = stackalloc byte[20];
        if (string.IsNullOrEmpty(signature) || !Convert.TryFromBase64String(signature, given, out var written)
            || written != given.Length)
        {
            return false;
        }

        var signed = new StringBuilder(url);
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Order(StringComparer.Ordinal))
            {
                signed.Append(name).Append(value);
            }
        }

        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString()));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
