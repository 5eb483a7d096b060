using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Push.Mobile;

// The Apple Push Notification service's provider API over HTTP/2, authenticated with a provider token: an ES256 JWT
// made from the team's auth key. Apple refuses a token older than an hour and one replaced more often than every
// twenty minutes, so a token is shared by every send of the account and made again after forty minutes, or once
// when Apple calls it expired (its clock is not ours). Apple's status and reason are mapped to verdicts as its
// documentation's table of errors says to act on them.
public sealed class ApnsClient
{
    public static readonly Uri DefaultProductionUrl = new("https://api.push.apple.com/");
    public static readonly Uri DefaultSandboxUrl = new("https://api.sandbox.push.apple.com/");

    private const string Service = "APNs";
    private const int MaxCollapseIdBytes = 64;
    private static readonly TimeSpan RenewAfter = TimeSpan.FromMinutes(40);

    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    // A key is made for one token and disposed; a cached signature provider would outlive it.
    private static readonly CryptoProviderFactory Signers = new() { CacheSignatureProviders = false };

    private readonly HttpClient _http;
    private readonly Uri _production;
    private readonly Uri _sandbox;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Slot> _tokens = new(StringComparer.Ordinal);

    public ApnsClient(HttpClient http, Uri productionUrl, Uri sandboxUrl, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(productionUrl);
        ArgumentNullException.ThrowIfNull(sandboxUrl);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _production = WithSlash(productionUrl);
        _sandbox = WithSlash(sandboxUrl);
        _clock = clock;
    }

    public async Task<PushAnswer> SendAsync(
        ApnsAccount account, string deviceToken, PushNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(deviceToken);
        ArgumentNullException.ThrowIfNull(notification);
        // A device token is hexadecimal; anything else can never be delivered (and must not shape the URL).
        if (deviceToken.Length is < 16 or > 200 || !deviceToken.All(char.IsAsciiHexDigit))
        {
            return new PushAnswer(PushVerdict.Gone, $"{Service}: the device token is not a hexadecimal APNs token.");
        }

        var payload = Payload(notification);
        var alert = payload["aps"] is JsonObject aps && aps.ContainsKey("alert");
        var body = payload.ToJsonString(PushJson.Options);
        var headers = Headers(notification, alert, _clock.GetUtcNow());
        var token = ProviderToken(account, null);
        var exchange = await PostAsync(account, deviceToken, token, headers, body, cancellationToken);
        if (exchange.Status == (int)HttpStatusCode.Forbidden && Reason(exchange.Body) == "ExpiredProviderToken")
        {
            token = ProviderToken(account, token);
            exchange = await PostAsync(account, deviceToken, token, headers, body, cancellationToken);
        }

        return Answer(exchange);
    }

    // The headers that carry a notification's kind, urgency, lifetime and topic to APNs, also given to FCM for iOS
    // apps. Apple takes priority 10 only for a notification that alerts the user; a background one must be 5. A
    // lifetime of zero is Apple's "deliver at once or not at all". A topic longer than a collapse id may be is
    // replaced by its hash, so that equal topics still collapse.
    internal static JsonObject Headers(PushNotification notification, bool alert, DateTimeOffset now)
    {
        var headers = new JsonObject
        {
            ["apns-push-type"] = alert ? "alert" : "background",
            ["apns-priority"] = alert && notification.Urgency == PushUrgency.High ? "10" : "5",
            ["apns-expiration"] = notification.TimeToLive <= TimeSpan.Zero
                ? "0"
                : (now + notification.TimeToLive).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(notification.Topic))
        {
            var topic = notification.Topic;
            headers["apns-collapse-id"] = Encoding.UTF8.GetByteCount(topic) <= MaxCollapseIdBytes
                ? topic
                : Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(topic)));
        }

        return headers;
    }

    // Apple's payload: the aps dictionary Apple reads and, beside it, the keys the app reads (the data, the URL, the
    // image for a notification service extension, the buttons). The category names the buttons' ids, so the app can
    // register one category per set of buttons it offers. Without a title the notification is a background one.
    internal static JsonObject Payload(PushNotification notification)
    {
        var aps = new JsonObject();
        if (!string.IsNullOrWhiteSpace(notification.Title))
        {
            var alert = new JsonObject { ["title"] = notification.Title };
            if (!string.IsNullOrEmpty(notification.Body))
            {
                alert["body"] = notification.Body;
            }

            aps["alert"] = alert;
            if (int.TryParse(notification.Badge, NumberStyles.None, CultureInfo.InvariantCulture, out var badge))
            {
                aps["badge"] = badge;
            }

            if (!string.IsNullOrEmpty(notification.Image))
            {
                aps["mutable-content"] = 1;
            }

            if (notification.Actions.Count > 0)
            {
                aps["category"] = string.Join(',', notification.Actions.Select(a => a.Action));
            }
        }
        else
        {
            aps["content-available"] = 1;
        }

        var payload = new JsonObject();
        foreach (var (name, value) in notification.Data.Where(d => d.Key != "aps"))
        {
            payload[name] = value;
        }

        payload["aps"] = aps;
        SetIfAny(payload, "url", notification.Url);
        SetIfAny(payload, "image", notification.Image);
        if (notification.Actions.Count > 0)
        {
            payload["actions"] = new JsonArray([.. notification.Actions.Select(a =>
            {
                var button = new JsonObject { ["action"] = a.Action, ["title"] = a.Title };
                SetIfAny(button, "url", a.Url);
                return (JsonNode)button;
            })]);
        }

        PushJson.MergeOver(payload, notification.Override);
        return payload;
    }

    private static void SetIfAny(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[name] = value;
        }
    }

    private async Task<ProviderExchange> PostAsync(ApnsAccount account, string deviceToken, string providerToken,
        JsonObject headers, string body, CancellationToken cancellationToken)
    {
        var server = account.Environment == ApnsEnvironment.Sandbox ? _sandbox : _production;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "3/device/" + deviceToken))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", providerToken);
        request.Headers.TryAddWithoutValidation("apns-topic", account.BundleId);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        }

        return await ProviderExchange.SendAsync(_http, request, Service, cancellationToken);
    }

    private PushAnswer Answer(ProviderExchange exchange)
    {
        if (exchange.Unreached is { } unreached)
        {
            return unreached;
        }

        var status = exchange.Status;
        if (status == (int)HttpStatusCode.OK)
        {
            var id = exchange.Headers?.TryGetValues("apns-id", out var ids) == true ? ids.FirstOrDefault() : null;
            return PushAnswer.Delivered(id is null ? $"{Service} 200" : $"{Service} 200 apns-id {id}");
        }

        var reason = Reason(exchange.Body);
        var reply = $"{Service} {status} {ProviderExchange.Quote(reason, "")}".TrimEnd();
        return (status, reason) switch
        {
            (410, _) or (400, "BadDeviceToken" or "DeviceTokenNotForTopic") => new(PushVerdict.Gone, reply),
            (403, "ExpiredProviderToken") => new(PushVerdict.CredentialsRefused,
                $"{reply} (a new provider token was refused too; is this server's clock right?)"),
            (403, _) => new(PushVerdict.CredentialsRefused, $"{reply} (the team id, key id or auth key was refused)"),
            // The key's team may not push to this bundle id: every message of the account would fail alike.
            (400, "TopicDisallowed" or "BadTopic") => new(PushVerdict.CredentialsRefused,
                $"{reply} (the auth key may not send to this bundle id)"),
            (429, _) or (>= 500, _) => new(PushVerdict.Retry, reply, exchange.RetryAfter(_clock)),
            _ => new(PushVerdict.Rejected, reply),
        };
    }

    // Apple's error body: {"reason": "BadDeviceToken"} (and a timestamp with 410).
    private static string? Reason(string body) =>
        PushJson.TryParseObject(body, out var root) ? PushJson.Text(root, "reason") : null;

    // The account's current provider token; a new one when it is forty minutes old or is the one Apple refused.
    private string ProviderToken(ApnsAccount account, string? refused)
    {
        var slot = _tokens.GetOrAdd(account.CacheKey, _ => new Slot());
        lock (slot.Gate)
        {
            var now = _clock.GetUtcNow();
            if (slot.Token is not { } current || current == refused || now - slot.IssuedAt >= RenewAfter)
            {
                slot.Token = current = Sign(account, now);
                slot.IssuedAt = now;
            }

            return current;
        }
    }

    private static string Sign(ApnsAccount account, DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(account.PrivateKey, out _);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = account.KeyId };
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = account.TeamId,
            IssuedAt = now.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256)
            {
                CryptoProviderFactory = Signers,
            },
        });
    }

    private static Uri WithSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private sealed class Slot
    {
        public Lock Gate { get; } = new();

        public string? Token { get; set; }

        public DateTimeOffset IssuedAt { get; set; }
    }
}
