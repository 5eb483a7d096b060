using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Communique.Push.Mobile;

// The JSON the mobile transports write and read: payloads written without HTML escaping (they are not HTML, and
// unescaped text keeps them within APNs' 4 KB), providers' answers read leniently (an answer that is not the JSON
// documented is no answer, not an exception), and a notification's Override merged over a platform's envelope.
internal static class PushJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The body's top-level object, detached from the parsed document.
    public static bool TryParseObject(string body, out JsonElement root)
    {
        root = default;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            root = json.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // RFC 7396-style: objects are merged key by key, any other value (arrays included) replaces what was there. A
    // null in the patch sets null rather than removing the key, so an override can add to or change what the platform
    // receives but never silently drop a field the envelope needs. The patch is copied, never moved: the same
    // notification goes to many devices at once.
    public static void MergeOver(JsonObject target, JsonObject? patch)
    {
        if (patch is null)
        {
            return;
        }

        foreach (var (name, value) in patch)
        {
            if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                MergeOver(existing, inner);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }
}
