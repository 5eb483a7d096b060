using System.Text.Json.Nodes;

namespace Communique.Push;

// One notification as rendered for one recipient, before it is put in a platform's envelope. TimeToLive: how long
// the push service keeps it for a device that is offline. Topic: a later message of the same topic replaces this one
// while it waits (Web Push Topic, APNs collapse id, FCM collapse key). Override: the platform's own fields, merged
// over the envelope made from the rest (an FCM "android" object, an APNs "aps" dictionary, Web Push options).
public sealed record PushNotification(
    string Title,
    string? Body,
    string? Icon,
    string? Image,
    string? Badge,
    string? Url,
    IReadOnlyList<PushAction> Actions,
    IReadOnlyDictionary<string, string> Data,
    TimeSpan TimeToLive,
    PushUrgency Urgency,
    string? Topic,
    JsonObject? Override);

// A button on the notification: its id (reported back when clicked), its label and where it leads.
public sealed record PushAction(string Action, string Title, string? Url);

// RFC 8030 §5.3; mapped to FCM's and APNs' priorities (high: 10, otherwise 5).
public enum PushUrgency
{
    VeryLow,
    Low,
    Normal,
    High,
}
