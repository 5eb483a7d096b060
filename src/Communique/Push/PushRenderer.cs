using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Data;
using Communique.Deliverability;
using Communique.Email;
using Communique.Push.Mobile;
using Communique.Rendering;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// The push channel's renderer. A send is prepared once: its content and the team's credentials. Each claimed batch
// is screened against the database in one go: its messages' subscriptions are read (a message whose subscription
// was removed meanwhile, or whose user opted out, is suppressed). Each message is then rendered from its record,
// with the subscription's attributes and user id beside the record's own fields, and checked against the size a push
// service must take.
public sealed class PushRenderer(AppDb db, LiquidTemplates liquid, PushKeys keys, PushSignatures signatures,
    IOptions<MailOptions> mail) : IChannelRenderer
{
    public const string SubscriptionRemoved = "subscription-removed";
    public const string UserIdField = "user_id";

    private readonly ConcurrentDictionary<Guid, PushSubscription> _subscriptions = new();
    private readonly Dictionary<Guid, PushCredentials> _credentials = [];

    public async Task<(PreparedSend? Prepared, string? Failure)> PrepareAsync(
        CampaignSend send, RecordShape shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(shape);
        var content = PushContent.Parse(send.Content);
        if (!_credentials.TryGetValue(send.TeamId, out var credentials))
        {
            var settings = await db.PushSettings.AsNoTracking().IgnoreQueryFilters()
                .FirstOrDefaultAsync(s => s.TeamId == send.TeamId, cancellationToken);
            credentials = _credentials[send.TeamId] = CredentialsOf(settings);
        }

        var culture = CultureInfo.GetCultureInfo(shape.Locale);
        var formats = DataSources.Schemas.FormatsOf(shape.Schema);
        return (new PreparedPush(send, content, credentials, culture, formats), null);
    }

    public async Task<bool> ScreenAsync(
        IReadOnlyList<OutboundMessage> messages, Func<OutboundMessage, PreparedSend> preparedOf,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return true;
        }

        // A claimed batch is one team's.
        var team = messages[0].TeamId;
        var ids = messages.Where(m => m.SubscriptionId is not null).Select(m => m.SubscriptionId!.Value).ToList();
        // By primary key alone, the team checked on the rows: with the team's condition beside the keys, SQLite chose
        // the team's index and read every subscription of the team for each batch.
        var found = (await db.PushSubscriptions.IgnoreQueryFilters().AsNoTracking().Where(s => ids.Contains(s.Id))
                .ToListAsync(cancellationToken))
            .Where(s => s.TeamId == team).ToDictionary(s => s.Id);
        var users = messages.Select(m => m.Address).Distinct().ToList();
        var optedOut = await db.PushOptOuts.AsNoTracking().Where(o => users.Contains(o.UserId))
            .Select(o => o.UserId).ToListAsync(cancellationToken);
        foreach (var message in messages)
        {
            if (optedOut.Contains(message.Address))
            {
                message.State = MessageState.Suppressed;
                message.SuppressionReason = Suppression.Unsubscribed;
            }
            else if (message.SubscriptionId is not { } id || !found.TryGetValue(id, out var subscription))
            {
                message.State = MessageState.Suppressed;
                message.SuppressionReason = SubscriptionRemoved;
            }
            else
            {
                _subscriptions[id] = subscription;
            }
        }

        return true;
    }

    public async ValueTask<RenderedMessage> RenderAsync(
        PreparedSend prepared, OutboundMessage message, Dictionary<string, object?> record,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(record);
        var push = (PreparedPush)prepared;
        if (message.SubscriptionId is not { } id || !_subscriptions.TryRemove(id, out var subscription))
        {
            return RenderedMessage.Failed("not made: its subscription was not read");
        }

        AddSubscription(record, subscription);
        var options = new RenderOptions
        {
            Culture = push.Culture, FieldFormats = push.Formats, IgnoreMissingFields = push.Send.IgnoreMissingFields,
            MaxOutputChars = PushContents.MaxPayloadBytes,
        };
        var (notification, failure) = await PushRendering.RenderAsync(
            liquid, push.Content, record, options, cancellationToken);
        if (notification is null)
        {
            return RenderedMessage.Failed($"not rendered: {failure}");
        }

        notification = notification with
        {
            Override = subscription.Platform switch
            {
                PushPlatform.Fcm => push.Content.Fcm,
                PushPlatform.Apns => push.Content.Apns,
                _ => push.Content.Web,
            },
        };
        var signature = signatures.Create(message.Id);
        var eventsUrl = mail.Value.Link(PublicPushApi.EventsPath);
        var payload = PushPayloads.Web(
            subscription.Platform == PushPlatform.Web ? notification : notification with { Override = null },
            message.Id, signature, eventsUrl);
        if (subscription.Platform != PushPlatform.Web)
        {
            // An app reports display and click as a service worker does, with what the data carries.
            notification = notification with
            {
                Data = new Dictionary<string, string>(notification.Data, StringComparer.Ordinal)
                {
                    ["m"] = message.Id.ToString(), ["s"] = signature, ["events"] = eventsUrl,
                },
            };
        }
        if (payload.Length > PushContents.MaxPayloadBytes)
        {
            return RenderedMessage.Failed($"too large: the payload is {payload.Length} bytes, and a push service "
                + $"must take {PushContents.MaxPayloadBytes} (4096 once encrypted)");
        }

        // A device is stored as "fcm:<token>" or "apns:<token>" (PushApi.RegisterDevice); its service takes the token.
        var endpoint = subscription.Platform == PushPlatform.Web
            ? subscription.Endpoint
            : subscription.Endpoint[(subscription.Endpoint.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var target = new PushTarget(subscription.Platform, endpoint, subscription.P256dh, subscription.Auth);
        return RenderedMessage.Made(new PushOutgoing(notification, target, payload, push.Credentials), null);
    }

    private PushCredentials CredentialsOf(PushSettings? settings)
    {
        if (settings is null)
        {
            return new PushCredentials(null, null, null);
        }

        FcmAccount? fcm = null;
        if (settings.SealedFcmAccount is { } sealedFcm)
        {
            fcm = FcmAccount.TryParse(Encoding.UTF8.GetString(keys.Unseal(sealedFcm)), out var parsed, out _)
                ? parsed
                : null;
        }

        ApnsAccount? apns = null;
        if (settings.SealedApnsKey is { } sealedKey)
        {
            var pem = Encoding.UTF8.GetString(keys.Unseal(sealedKey));
            apns = ApnsAccount.TryParse(settings.ApnsTeamId!, settings.ApnsKeyId!, pem, settings.ApnsBundleId!,
                settings.ApnsProduction ? "production" : "sandbox", out var parsed, out _)
                ? parsed
                : null;
        }

        return new PushCredentials(keys.VapidOf(settings), fcm, apns);
    }

    // The subscription's attributes are fields where the record has none of that name; its user id is user_id.
    private static void AddSubscription(Dictionary<string, object?> record, PushSubscription subscription)
    {
        record[UserIdField] = subscription.UserId;
        using var attributes = JsonDocument.Parse(subscription.Attributes);
        foreach (var attribute in attributes.RootElement.EnumerateObject())
        {
            if (attribute.Value.ValueKind == JsonValueKind.String)
            {
                record.TryAdd(attribute.Name, attribute.Value.GetString());
            }
        }
    }

    private sealed class PreparedPush(
        CampaignSend send, PushContent content, PushCredentials credentials, CultureInfo culture,
        IReadOnlyDictionary<string, FieldFormat> formats) : PreparedSend(send)
    {
        public PushContent Content { get; } = content;
        public PushCredentials Credentials { get; } = credentials;
        public CultureInfo Culture { get; } = culture;
        public IReadOnlyDictionary<string, FieldFormat> Formats { get; } = formats;

        // Opting out of push is one choice for every push message of the team.
        public override string Category => "push";
    }
}
