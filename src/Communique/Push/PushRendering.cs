using Communique.Rendering;

namespace Communique.Push;

// A push content's templates rendered for one record: the notification, or the first field that failed and why.
public static class PushRendering
{
    public static async Task<(PushNotification? Notification, string? Failure)> RenderAsync(
        LiquidTemplates liquid, PushContent content, IReadOnlyDictionary<string, object?> record,
        RenderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liquid);
        ArgumentNullException.ThrowIfNull(content);
        string? failure = null;

        async ValueTask<string?> Render(string field, string? source)
        {
            if (failure is not null || string.IsNullOrEmpty(source))
            {
                return source;
            }

            if (!liquid.TryCompile(source, out var template, out var error))
            {
                failure = $"the {field} has an error at line {error.Line}, column {error.Column}: {error.Message}";
                return null;
            }

            var outcome = await liquid.RenderAsync(template, record, options, cancellationToken);
            if (!outcome.Succeeded)
            {
                failure = $"the {field} failed: {outcome.Failure!.Message}";
                return null;
            }

            return outcome.Text;
        }

        var title = await Render("title", content.Title) ?? "";
        var body = await Render("body", content.Body);
        var icon = await Render("icon", content.Icon);
        var image = await Render("image", content.Image);
        var badge = await Render("badge", content.Badge);
        var url = await Render("url", content.Url);
        var actions = new List<PushAction>();
        foreach (var action in content.Actions ?? [])
        {
            actions.Add(new PushAction(action.Action, await Render($"action {action.Action}", action.Title) ?? "",
                await Render($"action {action.Action}'s url", action.Url)));
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in content.Data ?? new Dictionary<string, string>())
        {
            data[key] = await Render($"data {key}", value) ?? "";
        }

        if (failure is not null)
        {
            return (null, failure);
        }

        var ttl = TimeSpan.FromSeconds(content.TimeToLive ?? PushContent.DefaultTimeToLive);
        return (new PushNotification(title, body, icon, image, badge, url, actions, data, ttl, content.UrgencyLevel,
            content.Topic, Override: null), null);
    }
}
