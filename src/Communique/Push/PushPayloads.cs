using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Communique.Push;

// The JSON a browser's service worker receives (once decrypted): the notification's fields, the message's id and its
// signature, with which the worker reports the message displayed and clicked, and where to report to.
public static class PushPayloads
{
    public static byte[] Web(PushNotification notification, Guid messageId, string signature, string eventsUrl)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var payload = new JsonObject
        {
            ["title"] = notification.Title,
            ["body"] = notification.Body,
            ["icon"] = notification.Icon,
            ["image"] = notification.Image,
            ["badge"] = notification.Badge,
            ["url"] = notification.Url,
            ["actions"] = new JsonArray([.. notification.Actions.Select(a => (JsonNode)new JsonObject
            {
                ["action"] = a.Action, ["title"] = a.Title, ["url"] = a.Url,
            })]),
            ["data"] = new JsonObject([.. notification.Data.Select(d =>
                KeyValuePair.Create(d.Key, (JsonNode?)JsonValue.Create(d.Value)))]),
            ["tag"] = notification.Topic,
            ["m"] = messageId.ToString(),
            ["s"] = signature,
            ["events"] = eventsUrl,
        };
        if (notification.Override is { } over)
        {
            Mobile.PushJson.MergeOver(payload, over);
        }

        Prune(payload);
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    // The size of a content's Web payload with its templates as written, without the server's envelope.
    public static int WebBytesOf(PushContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var notification = new PushNotification(
            content.Title, content.Body, content.Icon, content.Image, content.Badge, content.Url,
            [.. (content.Actions ?? []).Select(a => new PushAction(a.Action, a.Title, a.Url))],
            content.Data ?? new Dictionary<string, string>(), TimeSpan.Zero, PushUrgency.Normal, content.Topic,
            content.Web);
        return Web(notification, Guid.Empty, "", "").Length;
    }

    // Members without a value are left out: a payload is bytes the push service counts.
    private static void Prune(JsonObject payload)
    {
        foreach (var name in payload.Where(p => p.Value is null
                     || (p.Value is JsonArray { Count: 0 }) || (p.Value is JsonObject { Count: 0 })
                     || (p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                         && v.GetValue<string>().Length == 0))
                     .Select(p => p.Key).ToList())
        {
            payload.Remove(name);
        }
    }
}
