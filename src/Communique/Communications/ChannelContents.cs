using System.Text.Json;

namespace Communique.Communications;

// Checks and normalises the content of a communication or template for its channel.
public static class ChannelContents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Empty(Channel channel) => channel switch
    {
        Channel.Email => JsonSerializer.Serialize(new EmailContent("", "", null, null, null, null), Json),
        Channel.Document => JsonSerializer.Serialize(new Documents.DocumentContent("", null), Json),
        Channel.Chat => Chat.ChatFlows.Empty,
        Channel.Push => Push.PushContents.Empty,
        Channel.Video => Video.VideoContents.Empty,
        _ => "{}",
    };

    public static bool TryNormalize(
        Channel channel, JsonElement content, Func<string, TemplateProblem?> checkTemplate,
        out string normalized, out Dictionary<string, string[]> errors)
    {
        normalized = "";
        errors = [];
        if (content.ValueKind != JsonValueKind.Object)
        {
            errors["content"] = ["Content must be a JSON object."];
            return false;
        }

        if (channel == Channel.Document)
        {
            return Documents.DocumentContents.TryNormalize(content, Json, checkTemplate, out normalized, errors);
        }

        if (channel == Channel.Chat)
        {
            return Chat.ChatFlows.TryNormalize(content, out normalized, errors);
        }

        if (channel == Channel.Push)
        {
            return Push.PushContents.TryNormalize(content, checkTemplate, out normalized, errors);
        }

        if (channel == Channel.Video)
        {
            return Video.VideoContents.TryNormalize(content, checkTemplate, out normalized, errors);
        }

        EmailContent? email;
        try
        {
            email = content.Deserialize<EmailContent>(Json);
        }
        catch (JsonException e)
        {
            errors["content" + (e.Path is null or "$" ? "" : e.Path.TrimStart('$'))] = [e.Message];
            return false;
        }

        if (string.IsNullOrWhiteSpace(email?.Subject))
        {
            errors["content.subject"] = ["An email needs a subject."];
        }
        else if (email.Subject.Length > 998)
        {
            errors["content.subject"] = ["The subject is longer than 998 characters."];
        }

        if (string.IsNullOrWhiteSpace(email?.Html))
        {
            errors["content.html"] = ["An email needs an HTML body."];
        }

        if (email?.Preheader is { Length: > 500 })
        {
            errors["content.preheader"] = ["The preheader is longer than 500 characters."];
        }

        foreach (var (field, source) in new[]
                 {
                     ("content.subject", email?.Subject), ("content.html", email?.Html),
                     ("content.text", email?.Text), ("content.preheader", email?.Preheader),
                 })
        {
            if (!string.IsNullOrEmpty(source) && !errors.ContainsKey(field) && checkTemplate(source) is { } problem)
            {
                errors[field] = [$"Line {problem.Line}, column {problem.Column}: {problem.Message}"];
            }
        }

        if (errors.Count > 0)
        {
            return false;
        }

        normalized = JsonSerializer.Serialize(email, Json);
        return true;
    }

    // What a channel's content names elsewhere (a video's assets) exists: the errors by field, none when all is well.
    public static async Task<Dictionary<string, string[]>> CheckReferencesAsync(
        Data.AppDb db, Channel channel, string content, Guid? assetFolderId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (channel == Channel.Video)
        {
            await Video.VideoContents.CheckAssetsAsync(db, content, assetFolderId, errors, cancellationToken);
        }

        return errors;
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
