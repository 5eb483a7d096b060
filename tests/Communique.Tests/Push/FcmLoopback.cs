using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Communique.Push.Mobile;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Tests.Push;

// What FcmLoopback can be told to answer for a device token: Google's documented FCM v1 errors, and silence.
public enum FcmFault
{
    Unregistered,
    InvalidToken,
    InvalidArgument,
    SenderIdMismatch,
    QuotaExceeded,
    Internal,
    Unavailable,
    Unauthenticated,
    PermissionDenied,
    Stall,
}

// A message FCM accepted: the device token, the v1 "message" object and the access token it came with.
public sealed record FcmSend(string DeviceToken, JsonObject Message, string AccessToken);

// Google's side of FCM HTTP v1 on 127.0.0.1 over TLS (HTTP/1.1 and HTTP/2), with one service account of its own:
// - POST /token: the OAuth 2.0 service-account grant (RFC 7523). The assertion must be an RS256 JWT signed with the
//   account's key, kid its private_key_id, iss its client_email, aud this token URI, scope FCM's, and an exp at most
//   an hour after its iat that has not passed; answered with a Bearer token valid for 3599 seconds, or invalid_grant.
// - POST /v1/projects/{project}/messages:send: needs a live access token of the account and its project; checks the
//   message's shape as FCM does (known fields, one target, string data, a ttl in seconds, a known priority) and
//   answers {"name": "projects/{project}/messages/{id}"} or a google.rpc.Status error.
// Times are judged on the clock the test gives, the one its clients use.
public sealed class FcmLoopback : IAsyncDisposable
{
    public const string ProjectId = "communique-loopback";
    public const string ClientEmail = "push@communique-loopback.iam.gserviceaccount.com";
    public const string PrivateKeyId = "3f0c2b5e8d7a4c1f9e6b0a2d4c8e1f3a5b7c9d0e";

    private static readonly Regex Ttl = new(@"^\d+(\.\d{1,9})?s$", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> MessageFields =
        ["name", "data", "notification", "android", "webpush", "apns", "fcm_options", "token", "topic", "condition"];

    private static readonly HashSet<string> NotificationFields = ["title", "body", "image"];

    private static readonly string[] Targets = ["token", "topic", "condition"];

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly RSA _key;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new();
    private readonly ConcurrentDictionary<string, (FcmFault Fault, TimeSpan? RetryAfter)> _faults = new();
    private readonly List<FcmSend> _received = [];
    private int _tokenRequests;
    private int _sends;

    private FcmLoopback(WebApplication app, TimeProvider clock, X509Certificate2 certificate)
    {
        _app = app;
        _clock = clock;
        Certificate = certificate;
        _key = RSA.Create(2048);
    }

    public X509Certificate2 Certificate { get; }

    // The base URL an FcmClient is given.
    public Uri BaseUrl => new(Address + "/");

    public Uri TokenUri => new(Address + "/token");

    // The service-account JSON a team would paste, pointing at this server.
    public string ServiceAccountJson => ServiceAccountJsonFor(_key);

    public FcmAccount Account => FcmAccount.TryParse(ServiceAccountJson, out var account, out var error)
        ? account
        : throw new InvalidOperationException(error);

    // When set, the token endpoint refuses every assertion as Google does a deleted or disabled key.
    public bool RefusesGrants { get; set; }

    // When set, the token endpoint answers 503.
    public bool TokenEndpointUnavailable { get; set; }

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    // Every call to messages:send, answered as it was.
    public int Sends => Volatile.Read(ref _sends);

    public IReadOnlyList<FcmSend> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    private string Address => _app.Services.GetRequiredService<IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses.First();

    // The same account's JSON with another key: one Google has never seen.
    public string ServiceAccountJsonFor(RSA key) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = PrivateKeyId,
        ["private_key"] = key.ExportPkcs8PrivateKeyPem() + "\n",
        ["client_email"] = ClientEmail,
        ["client_id"] = "104735117389470211234",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = TokenUri.AbsoluteUri,
        ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
        ["client_x509_cert_url"] = "https://www.googleapis.com/robot/v1/metadata/x509/push",
        ["universe_domain"] = "googleapis.com",
    }.ToJsonString();

    public void Fail(string deviceToken, FcmFault fault, TimeSpan? retryAfter = null) =>
        _faults[deviceToken] = (fault, retryAfter);

    // The device token is answered as a good one again.
    public void Recover(string deviceToken) => _faults.TryRemove(deviceToken, out _);

    // Every access token issued so far is answered 401 afterwards, as a revoked one is.
    public void RevokeAccessTokens()
    {
        foreach (var token in _accessTokens.Keys)
        {
            _accessTokens[token] = DateTimeOffset.MinValue;
        }
    }

    public static async Task<FcmLoopback> StartAsync(TimeProvider clock)
    {
        var certificate = LoopbackTls.CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var fcm = new FcmLoopback(app, clock, certificate);
        app.MapPost("/token", fcm.TokenAsync);
        app.MapPost("/v1/projects/{project}/messages:send", fcm.SendAsync);
        await app.StartAsync();
        return fcm;
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var context = request.HttpContext;
        Interlocked.Increment(ref _tokenRequests);
        if (TokenEndpointUnavailable)
        {
            return Results.Json(new { error = "temporarily_unavailable" }, statusCode: 503);
        }

        if (!context.Request.HasFormContentType)
        {
            return Grant("invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return Grant("unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
        }

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(form["assertion"].ToString(),
            new TokenValidationParameters
            {
                IssuerSigningKey = new RsaSecurityKey(_key.ExportParameters(false)),
                ValidIssuer = ClientEmail,
                ValidAudience = TokenUri.AbsoluteUri,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                // Judged below on the test's clock.
                ValidateLifetime = false,
            });
        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken assertion
            || assertion.Kid != PrivateKeyId)
        {
            return Grant("invalid_grant", "Invalid JWT Signature.");
        }

        var now = _clock.GetUtcNow();
        if (!assertion.TryGetPayloadValue<long>("iat", out var iat) || !assertion.TryGetPayloadValue<long>("exp",
                out var exp) || exp - iat > 3600 || exp <= now.ToUnixTimeSeconds()
            || iat > now.AddMinutes(5).ToUnixTimeSeconds())
        {
            return Grant("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                + "reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }

        if (!assertion.TryGetPayloadValue<string>("scope", out var scope)
            || !scope.Split(' ').Contains(FcmClient.Scope))
        {
            return Grant("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        }

        if (RefusesGrants)
        {
            return Grant("invalid_grant", "Invalid grant: account not found");
        }

        var token = "ya29.loopback-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _accessTokens[token] = now.AddSeconds(3599);
        return Results.Json(new { access_token = token, expires_in = 3599, token_type = "Bearer" });
    }

    private static IResult Grant(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);

    private async Task<IResult> SendAsync(string project, HttpContext context)
    {
        Interlocked.Increment(ref _sends);
        var authorization = context.Request.Headers.Authorization.ToString();
        var accessToken = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (!_accessTokens.TryGetValue(accessToken, out var expires) || expires <= _clock.GetUtcNow())
        {
            return Status(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                + "access token, login cookie or other valid authentication credential.");
        }

        if (project != ProjectId)
        {
            return Status(403, "PERMISSION_DENIED",
                $"Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager."
                + $"googleapis.com/projects/{project}' (or it may not exist).");
        }

        JsonObject? message;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            message = body?["message"] as JsonObject;
        }
        catch (JsonException e)
        {
            return Status(400, "INVALID_ARGUMENT", "Invalid JSON payload received. " + e.Message);
        }

        if (message is null)
        {
            return Status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "message");
        }

        if (Shape(message) is { } violation)
        {
            return Status(400, "INVALID_ARGUMENT", violation.Description, violation.Field);
        }

        var deviceToken = message["token"]!.GetValue<string>();
        if (_faults.TryGetValue(deviceToken, out var fault))
        {
            return await FaultAsync(fault.Fault, fault.RetryAfter, context);
        }

        lock (_received)
        {
            _received.Add(new FcmSend(deviceToken, message, accessToken));
        }

        var id = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        return Results.Json(new { name = $"projects/{ProjectId}/messages/{id}" });
    }

    // The checks FCM makes before it looks at the target; the first field at fault.
    private static (string Field, string Description)? Shape(JsonObject message)
    {
        if (message.Select(p => p.Key).FirstOrDefault(name => !MessageFields.Contains(name)) is { } unknown)
        {
            return ($"message.{unknown}", $"Invalid JSON payload received. Unknown name \"{unknown}\" at 'message'.");
        }

        if (Targets.Count(message.ContainsKey) != 1
            || message["token"]?.GetValueKind() != JsonValueKind.String || message["token"]!.GetValue<string>() == "")
        {
            return ("message.token", "The registration token is not a valid FCM registration token");
        }

        if (message["notification"] is { } notification && (notification is not JsonObject shown
            || shown.Any(p => !NotificationFields.Contains(p.Key) || p.Value?.GetValueKind() != JsonValueKind.String)))
        {
            return ("message.notification", "Invalid value at 'message.notification'.");
        }

        if (message["data"] is { } data && (data is not JsonObject map
            || map.Any(p => p.Value?.GetValueKind() != JsonValueKind.String || p.Key is "from" or "notification"
                or "message_type" || p.Key.StartsWith("google", StringComparison.Ordinal)
                || p.Key.StartsWith("gcm", StringComparison.Ordinal))))
        {
            return ("message.data", "Invalid value at 'message.data': every value must be a string, no key reserved.");
        }

        if (message["android"] is { } android)
        {
            if (android is not JsonObject config)
            {
                return ("message.android", "Invalid value at 'message.android'.");
            }

            if (config["ttl"] is { } ttl && (ttl.GetValueKind() != JsonValueKind.String
                || !Ttl.IsMatch(ttl.GetValue<string>())))
            {
                return ("message.android.ttl", "Invalid value at 'message.android.ttl' (type.googleapis.com/"
                    + "google.protobuf.Duration).");
            }

            if (config["priority"] is { } priority && (priority.GetValueKind() != JsonValueKind.String
                || priority.GetValue<string>().ToUpperInvariant() is not ("HIGH" or "NORMAL")))
            {
                return ("message.android.priority", "Invalid value at 'message.android.priority'.");
            }
        }

        if (message["apns"]?["headers"] is JsonObject headers
            && headers.Any(p => p.Value?.GetValueKind() != JsonValueKind.String))
        {
            return ("message.apns.headers", "Invalid value at 'message.apns.headers': values must be strings.");
        }

        return null;
    }

    private static async Task<IResult> FaultAsync(FcmFault fault, TimeSpan? retryAfter, HttpContext context)
    {
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((long)wait.TotalSeconds).ToString(
                System.Globalization.CultureInfo.InvariantCulture);
        }

        switch (fault)
        {
            case FcmFault.Unregistered:
                return Status(404, "NOT_FOUND", "Requested entity was not found.", errorCode: "UNREGISTERED");
            case FcmFault.InvalidToken:
                return Status(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                    "message.token");
            case FcmFault.InvalidArgument:
                return Status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
            case FcmFault.SenderIdMismatch:
                return Status(403, "PERMISSION_DENIED", "SenderId mismatch", errorCode: "SENDER_ID_MISMATCH");
            case FcmFault.QuotaExceeded:
                return Status(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'.",
                    errorCode: "QUOTA_EXCEEDED");
            case FcmFault.Internal:
                return Status(500, "INTERNAL", "Internal error encountered.");
            case FcmFault.Unavailable:
                return Status(503, "UNAVAILABLE", "The service is currently unavailable.");
            case FcmFault.Unauthenticated:
                return Status(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
            case FcmFault.PermissionDenied:
                return Status(403, "PERMISSION_DENIED", "Firebase Cloud Messaging API has not been used in project "
                    + "before or it is disabled.");
            default:
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as it should.
                }

                return Results.Empty;
        }
    }

    // A google.rpc.Status error as FCM sends it: the FCM error code (its own, or the status repeated) in an
    // FcmError detail, and the field at fault in a BadRequest detail.
    private static IResult Status(int code, string status, string message, string? field = null,
        string? errorCode = null)
    {
        var details = new JsonArray
        {
            new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                ["errorCode"] = errorCode ?? status,
            },
        };
        if (field is not null)
        {
            details.Add(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["fieldViolations"] = new JsonArray { new JsonObject { ["field"] = field, ["description"] = message } },
            });
        }

        var error = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code, ["message"] = message, ["status"] = status, ["details"] = details,
            },
        };
        return Results.Content(error.ToJsonString(), "application/json", statusCode: code);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
        Certificate.Dispose();
    }
}
