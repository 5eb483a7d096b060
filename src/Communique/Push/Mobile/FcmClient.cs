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

// Firebase Cloud Messaging's HTTP v1 API with a team's service account. The OAuth 2.0 access token comes from the
// account's token_uri in exchange for an RS256 assertion, is shared by every send of the account until five minutes
// before it expires, and is fetched once for all the sends that need it at the same moment. A 401 is taken to mean
// that the token was revoked: it is fetched again once, and a second 401 is the account's fault. Google's errors
// (google.rpc.Status with an FcmError code) are mapped to verdicts as its documentation says to act on them.
public sealed class FcmClient
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    public static readonly Uri DefaultBaseUrl = new("https://fcm.googleapis.com/");

    private const string Service = "FCM";
    private const string TokenService = "Google's token endpoint";
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(5);

    // FCM refuses a ttl over four weeks.
    private static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(28);

    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    // A key is made for one assertion and disposed; a cached signature provider would outlive it.
    private static readonly CryptoProviderFactory Signers = new() { CacheSignatureProviders = false };

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);

    public FcmClient(HttpClient http, Uri baseUrl, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _clock = clock;
    }

    public async Task<PushAnswer> SendAsync(
        FcmAccount account, string deviceToken, PushNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceToken);
        ArgumentNullException.ThrowIfNull(notification);
        var body = Envelope(deviceToken, notification, _clock.GetUtcNow()).ToJsonString(PushJson.Options);
        var grant = await AccessTokenAsync(account, null, cancellationToken);
        if (grant.Refusal is { } refusal)
        {
            return refusal;
        }

        var exchange = await PostAsync(account, grant.Token!, body, cancellationToken);
        if (exchange.Status == (int)HttpStatusCode.Unauthorized
            && FcmError.Read(exchange.Body).Code != "THIRD_PARTY_AUTH_ERROR")
        {
            grant = await AccessTokenAsync(account, grant.Token, cancellationToken);
            if (grant.Refusal is { } again)
            {
                return again;
            }

            exchange = await PostAsync(account, grant.Token!, body, cancellationToken);
        }

        return Answer(exchange, deviceToken);
    }

    // The message FCM's v1 API takes, for one device. FCM's data is a map of strings, so the URL and the buttons go
    // there as strings for the app to read. A notification without a title is a data message: the app handles it.
    internal static JsonObject Envelope(string deviceToken, PushNotification notification, DateTimeOffset now)
    {
        var message = new JsonObject { ["token"] = deviceToken };
        var alert = !string.IsNullOrWhiteSpace(notification.Title);
        if (alert)
        {
            var shown = new JsonObject { ["title"] = notification.Title };
            AddIfSet(shown, "body", notification.Body);
            AddIfSet(shown, "image", notification.Image);
            message["notification"] = shown;
        }

        var data = new JsonObject();
        foreach (var (name, value) in notification.Data)
        {
            data[name] = value;
        }

        AddIfSet(data, "url", notification.Url);
        if (notification.Actions.Count > 0)
        {
            var buttons = new JsonArray([.. notification.Actions.Select(Action)]);
            data["actions"] = buttons.ToJsonString(PushJson.Options);
        }

        // Android's notification icon names a drawable in the app; a web icon (a URL) is left to the app, in data.
        var icon = notification.Icon;
        var iconIsUrl = icon is not null && Uri.TryCreate(icon, UriKind.Absolute, out _);
        if (iconIsUrl)
        {
            data["icon"] = icon;
        }

        if (data.Count > 0)
        {
            message["data"] = data;
        }

        var ttl = notification.TimeToLive < TimeSpan.Zero ? TimeSpan.Zero
            : notification.TimeToLive > MaxTimeToLive ? MaxTimeToLive : notification.TimeToLive;
        var android = new JsonObject
        {
            ["ttl"] = $"{(long)ttl.TotalSeconds}s",
            ["priority"] = notification.Urgency == PushUrgency.High ? "high" : "normal",
        };
        AddIfSet(android, "collapse_key", notification.Topic);
        if (alert)
        {
            var shownOnAndroid = new JsonObject();
            AddIfSet(shownOnAndroid, "icon", iconIsUrl ? null : icon);
            // A later notification with the same tag replaces this one in the drawer, as a topic means.
            AddIfSet(shownOnAndroid, "tag", notification.Topic);
            if (int.TryParse(notification.Badge, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                shownOnAndroid["notification_count"] = count;
            }

            if (shownOnAndroid.Count > 0)
            {
                android["notification"] = shownOnAndroid;
            }
        }

        message["android"] = android;
        // iOS apps built on Firebase: FCM passes these headers on to APNs, so expiry, priority and topic hold there.
        message["apns"] = new JsonObject { ["headers"] = ApnsClient.Headers(notification, alert, now) };
        PushJson.MergeOver(message, notification.Override);
        return new JsonObject { ["message"] = message };
    }

    private static JsonObject Action(PushAction action)
    {
        var button = new JsonObject { ["action"] = action.Action, ["title"] = action.Title };
        AddIfSet(button, "url", action.Url);
        return button;
    }

    private static void AddIfSet(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[name] = value;
        }
    }

    private async Task<ProviderExchange> PostAsync(
        FcmAccount account, string accessToken, string body, CancellationToken cancellationToken)
    {
        var path = $"v1/projects/{Uri.EscapeDataString(account.ProjectId)}/messages:send";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            // Many sends share one connection where FCM offers HTTP/2.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await ProviderExchange.SendAsync(_http, request, Service, cancellationToken);
    }

    private PushAnswer Answer(ProviderExchange exchange, string deviceToken)
    {
        if (exchange.Unreached is { } unreached)
        {
            return unreached;
        }

        var status = exchange.Status;
        if (status == (int)HttpStatusCode.OK)
        {
            var name = PushJson.TryParseObject(exchange.Body, out var sent) ? PushJson.Text(sent, "name") : null;
            return PushAnswer.Delivered(name is null ? $"{Service} 200" : $"{Service} 200 {name}");
        }

        var error = FcmError.Read(exchange.Body);
        var said = $"{Service} {status} {error.Code ?? error.Status ?? "(no error code)"}";
        var words = ProviderExchange.Quote(error.Message, deviceToken);
        var reply = words.Length > 0 ? $"{said}: {words}" : said;
        return (status, error.Code) switch
        {
            // A bare NOT_FOUND is read as Google's own Admin SDKs read it: the token is not registered.
            (404, _) or (_, "UNREGISTERED" or "SENDER_ID_MISMATCH") => new(PushVerdict.Gone, reply),
            (_, "INVALID_ARGUMENT") when error.NamesToken => new(PushVerdict.Gone, reply),
            (401, _) => new(PushVerdict.CredentialsRefused, $"{reply} (the service account's token was refused)"),
            (403, _) => new(PushVerdict.CredentialsRefused,
                $"{reply} (the service account may not send for this project)"),
            (429, _) or (>= 500, _) or (_, "QUOTA_EXCEEDED" or "UNAVAILABLE" or "INTERNAL") =>
                new(PushVerdict.Retry, reply, exchange.RetryAfter(_clock)),
            _ => new(PushVerdict.Rejected, reply),
        };
    }

    private async Task<Grant.Fetched> AccessTokenAsync(
        FcmAccount account, string? refused, CancellationToken cancellationToken)
    {
        var grant = _grants.GetOrAdd(account.CacheKey, _ => new Grant());
        Task<Grant.Fetched> fetch;
        lock (grant.Gate)
        {
            if (grant.Fetch is not { } current || Stale(current, refused))
            {
                // Not the caller's token: the fetch is shared, and bounded by the HttpClient's timeout.
                grant.Fetch = current = FetchAsync(account);
            }

            fetch = current;
        }

        return await fetch.WaitAsync(cancellationToken);
    }

    // A fetch in flight is joined; a failed one is tried again by the next send, as is a token a send saw refused.
    private bool Stale(Task<Grant.Fetched> fetch, string? refused)
    {
        if (!fetch.IsCompleted)
        {
            return false;
        }

        if (!fetch.IsCompletedSuccessfully || fetch.Result.Token is not { } token)
        {
            return true;
        }

        return token == refused || _clock.GetUtcNow() >= fetch.Result.RenewAt;
    }

    private async Task<Grant.Fetched> FetchAsync(FcmAccount account)
    {
        var now = _clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, account.TokenUri)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                new("assertion", Assertion(account, now)),
            ]),
        };
        var exchange = await ProviderExchange.SendAsync(_http, request, TokenService, CancellationToken.None);
        if (exchange.Unreached is { } unreached)
        {
            return new(null, now, unreached);
        }

        var (token, expiresIn, error, description) = ReadTokenAnswer(exchange.Body);
        if (exchange.Status == (int)HttpStatusCode.OK)
        {
            if (token is null || expiresIn is not > 0)
            {
                return new(null, now, new PushAnswer(PushVerdict.Retry,
                    $"{TokenService} answered 200 without an access token and its lifetime."));
            }

            var lifetime = TimeSpan.FromSeconds(expiresIn.Value);
            var renewAt = now + (lifetime > 2 * RenewBeforeExpiry ? lifetime - RenewBeforeExpiry : lifetime / 2);
            return new(token, renewAt, null);
        }

        var said = $"{TokenService} answered {exchange.Status} {error ?? "(no error code)"}";
        var words = ProviderExchange.Quote(description, "");
        var reply = words.Length > 0 ? $"{said}: {words}" : said;
        if (exchange.Status == (int)HttpStatusCode.TooManyRequests || exchange.Status >= 500)
        {
            return new(null, now, new PushAnswer(PushVerdict.Retry, reply, exchange.RetryAfter(_clock)));
        }

        return new(null, now, new PushAnswer(PushVerdict.CredentialsRefused,
            $"{reply} (the service account {account.ClientEmail} was refused; is its key revoked or expired?)"));
    }

    private static string Assertion(FcmAccount account, DateTimeOffset now)
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(account.PrivateKey, out _);
        var key = new RsaSecurityKey(rsa) { KeyId = account.PrivateKeyId };
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = account.ClientEmail,
            Audience = account.TokenUri.AbsoluteUri,
            IssuedAt = now.UtcDateTime,
            Expires = (now + AssertionLifetime).UtcDateTime,
            Claims = new Dictionary<string, object> { ["scope"] = Scope },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256)
            {
                CryptoProviderFactory = Signers,
            },
        });
    }

    // RFC 6749 §5.1/§5.2: {"access_token", "expires_in", "token_type"} or {"error", "error_description"}.
    private static (string? Token, long? ExpiresIn, string? Error, string? Description) ReadTokenAnswer(string body)
    {
        if (!PushJson.TryParseObject(body, out var root))
        {
            return (null, null, null, null);
        }

        long? expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number
            && e.TryGetInt64(out var seconds) ? seconds : null;
        return (PushJson.Text(root, "access_token"), expiresIn, PushJson.Text(root, "error"),
            PushJson.Text(root, "error_description"));
    }

    // One account's access token: the fetch that made it (or is making it), shared by all its sends.
    private sealed class Grant
    {
        public Lock Gate { get; } = new();

        public Task<Fetched>? Fetch { get; set; }

        public sealed record Fetched(string? Token, DateTimeOffset RenewAt, PushAnswer? Refusal);
    }
}
