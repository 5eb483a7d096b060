using System.Text.Json;
using System.Text.Json.Nodes;

namespace Communique.Push;

// A push communication. Title, Body, Icon, Image, Badge, Url, each action's title and url and each data value are
// Liquid (the email dialect); TimeToLive (seconds), Urgency and Topic go to the push service. Web, Fcm and Apns are
// each platform's own fields, merged over what is made from the rest.
public sealed record PushContent(
    string Title,
    string? Body = null,
    string? Icon = null,
    string? Image = null,
    string? Badge = null,
    string? Url = null,
    IReadOnlyList<PushContentAction>? Actions = null,
    IReadOnlyDictionary<string, string>? Data = null,
    int? TimeToLive = null,
    string? Urgency = null,
    string? Topic = null,
    JsonObject? Web = null,
    JsonObject? Fcm = null,
    JsonObject? Apns = null)
{
    public const int DefaultTimeToLive = 4 * 7 * 24 * 3600;

    public PushUrgency UrgencyLevel => Urgency switch
    {
        "very-low" => PushUrgency.VeryLow,
        "low" => PushUrgency.Low,
        "high" => PushUrgency.High,
        _ => PushUrgency.Normal,
    };

    public static PushContent Parse(string json) => JsonSerializer.Deserialize<PushContent>(json, PushContents.Json)!;
}

public sealed record PushContentAction(string Action, string Title, string? Url = null);
