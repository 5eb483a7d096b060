using System.Text.Json;

namespace Communique.Push.Mobile;

// What an FCM v1 error says: a google.rpc.Status ({"error": {"code", "message", "status", "details": [...]}}) whose
// FcmError detail carries the errorCode to act on (the status stands in when there is none), and whose BadRequest
// detail or message says whether the device token was at fault.
internal sealed record FcmError(string? Code, string? Status, string? Message, bool NamesToken)
{
    public static FcmError Read(string body)
    {
        if (!PushJson.TryParseObject(body, out var root) || !root.TryGetProperty("error", out var error)
            || error.ValueKind != JsonValueKind.Object)
        {
            return new FcmError(null, null, null, false);
        }

        string? code = null;
        var namesToken = false;
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                code ??= PushJson.Text(detail, "errorCode");
                namesToken |= detail.ValueKind == JsonValueKind.Object
                    && detail.TryGetProperty("fieldViolations", out var violations)
                    && violations.ValueKind == JsonValueKind.Array
                    && violations.EnumerateArray().Any(v => PushJson.Text(v, "field") == "message.token");
            }
        }

        var status = PushJson.Text(error, "status");
        var message = PushJson.Text(error, "message");
        // Google documents an invalid token as INVALID_ARGUMENT whose message names the registration token.
        namesToken |= message?.Contains("registration token", StringComparison.OrdinalIgnoreCase) == true;
        return new FcmError(code ?? status, status, message, namesToken);
    }
}
