using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Communique.Communications;

namespace Communique.Push;

// Checks a push communication's content when it is saved: its shape, its templates, and that the message it makes
// can fit a Web Push message before any data is filled in (each message is checked again once rendered).
public static partial class PushContents
{
    // RFC 8291: a push service must take 4096 bytes of body; aes128gcm adds a 86-byte header, a 16-byte tag and the
    // padding delimiter, which leaves 3993 bytes for the payload.
    public const int MaxPayloadBytes = 4096 - 86 - 16 - 1;

    // What the server adds to each payload beside the content: the message's id, its signature and the events URL.
    public const int Envelope = 200;

    public const int MaxActions = 4;
    public const int MaxDataEntries = 32;
    public const int MaxOverrideBytes = 4096;
    public const int MaxTimeToLive = 28 * 24 * 3600;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] Urgencies = ["very-low", "low", "normal", "high"];

    public static string Empty => JsonSerializer.Serialize(new PushContent(""), Json);

    public static bool TryNormalize(
        JsonElement content, Func<string, TemplateProblem?> checkTemplate, out string normalized,
        Dictionary<string, string[]> errors)
    {
        normalized = "";
        PushContent? push;
        try
        {
            push = content.Deserialize<PushContent>(Json);
        }
        catch (JsonException e)
        {
            errors["content" + (e.Path is null or "$" ? "" : e.Path.TrimStart('$'))] = [e.Message];
            return false;
        }

        if (push is null)
        {
            errors["content"] = ["Content must be a JSON object."];
            return false;
        }

        void Text(string field, string? value, int max, bool required = false)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    errors[field] = ["A push message needs a title."];
                }

                return;
            }

            if (value.Length > max)
            {
                errors[field] = [$"At most {max} characters."];
            }
            else if (checkTemplate(value) is { } problem)
            {
                errors[field] = [$"Line {problem.Line}, column {problem.Column}: {problem.Message}"];
            }
        }

        Text("content.title", push.Title, 500, required: true);
        Text("content.body", push.Body, 3000);
        foreach (var (field, value) in new[]
                 {
                     ("content.icon", push.Icon), ("content.image", push.Image), ("content.badge", push.Badge),
                     ("content.url", push.Url),
                 })
        {
            Text(field, value, 2000);
        }

        var actions = push.Actions ?? [];
        if (actions.Count > MaxActions)
        {
            errors["content.actions"] = [$"At most {MaxActions} actions."];
        }

        for (var i = 0; i < Math.Min(actions.Count, MaxActions); i++)
        {
            var action = actions[i];
            if (action is null || string.IsNullOrWhiteSpace(action.Action) || action.Action.Length > 64
                || !ActionId().IsMatch(action.Action))
            {
                errors[$"content.actions[{i}].action"] = ["An id of 1 to 64 letters, digits, '-' or '_'."];
                continue;
            }

            if (actions.Take(i).Any(a => a?.Action == action.Action))
            {
                errors[$"content.actions[{i}].action"] = [$"Another action is called '{action.Action}'."];
            }

            Text($"content.actions[{i}].title", action.Title, 200, required: true);
            if (string.IsNullOrWhiteSpace(action.Title))
            {
                errors[$"content.actions[{i}].title"] = ["An action needs a title."];
            }

            Text($"content.actions[{i}].url", action.Url, 2000);
        }

        var data = push.Data ?? new Dictionary<string, string>();
        if (data.Count > MaxDataEntries)
        {
            errors["content.data"] = [$"At most {MaxDataEntries} entries."];
        }

        foreach (var (key, value) in data.Take(MaxDataEntries))
        {
            if (key.Length is 0 or > 64)
            {
                errors[$"content.data.{key}"] = ["A key of 1 to 64 characters."];
            }
            else
            {
                Text($"content.data.{key}", value, 1000);
            }
        }

        if (push.TimeToLive is < 0 or > MaxTimeToLive)
        {
            errors["content.timeToLive"] = [$"Seconds from 0 to {MaxTimeToLive} (28 days)."];
        }

        if (push.Urgency is not null && !Urgencies.Contains(push.Urgency))
        {
            errors["content.urgency"] = ["One of very-low, low, normal, high."];
        }

        // RFC 8030 §5.4: at most 32 characters of the URL-safe base64 alphabet.
        if (push.Topic is not null && !Topic().IsMatch(push.Topic))
        {
            errors["content.topic"] = ["At most 32 letters, digits, '-' or '_'."];
        }

        foreach (var (field, value) in new[] { ("content.web", push.Web), ("content.fcm", push.Fcm), ("content.apns",
                     push.Apns) })
        {
            if (value is not null && Encoding.UTF8.GetByteCount(value.ToJsonString()) > MaxOverrideBytes)
            {
                errors[field] = [$"At most {MaxOverrideBytes} bytes of JSON."];
            }
        }

        if (errors.Count > 0)
        {
            return false;
        }

        normalized = JsonSerializer.Serialize(push, Json);
        var bytes = PushPayloads.WebBytesOf(push) + Envelope;
        if (bytes > MaxPayloadBytes)
        {
            errors["content"] = [$"The message would be {bytes} bytes before any data is filled in; a Web Push "
                + $"message holds {MaxPayloadBytes} (4096 once encrypted). Shorten the text or the data."];
            return false;
        }

        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionId();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Topic();
}
