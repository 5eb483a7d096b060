using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Communique.Push.Mobile;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Tests.Push;

// What ApnsLoopback can be told to answer for a device token: Apple's documented errors, and silence.
public enum ApnsFault
{
    Unregistered,
    BadDeviceToken,
    DeviceTokenNotForTopic,
    TooManyRequests,
    InternalServerError,
    ServiceUnavailable,
    ExpiredProviderToken,
    InvalidProviderToken,
    Stall,
}

// A notification APNs accepted: where and how it came (the HTTP version, production or sandbox), the device token,
// the apns-* headers, the payload and the provider token that authorised it.
public sealed record ApnsPush(
    string Protocol,
    ApnsEnvironment Environment,
    string DeviceToken,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject Payload,
    string ProviderToken);

// Apple's provider API on 127.0.0.1: POST /3/device/{token} over TLS and HTTP/2 only, on two ports (production and
// sandbox), for one team's auth key. A request needs "authorization: bearer <ES256 JWT>" signed with the key, with
// kid its key id, iss its team id and an iat less than an hour old; an apns-topic equal to the bundle id; an
// apns-push-type that fits the payload (alert with aps.alert, background with content-available and priority 5);
// well-formed apns-priority, apns-expiration and apns-collapse-id (≤ 64 bytes); a hexadecimal device token; and a
// JSON payload with an aps dictionary of at most 4 KB. It answers 200 with an apns-id, or Apple's status and
// {"reason": ...}. Times are judged on the clock the test gives, the one its clients use.
public sealed class ApnsLoopback : IAsyncDisposable
{
    public const string TeamId = "LOOPTEAM42";
    public const string KeyId = "LOOPKEY007";
    public const string BundleId = "com.example.communique";
    private const int MaxPayloadBytes = 4096;
    private const string EnvironmentItem = "apns-environment";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly ECDsa _key;
    private readonly ListenOptions _production;
    private readonly ListenOptions _sandbox;
    private readonly ConcurrentDictionary<string, (ApnsFault Fault, TimeSpan? RetryAfter)> _faults = new();
    private readonly ConcurrentDictionary<string, bool> _expired = new();
    private readonly List<ApnsPush> _received = [];
    private int _requests;

    private ApnsLoopback(
        WebApplication app, TimeProvider clock, X509Certificate2 certificate, ListenOptions production,
        ListenOptions sandbox)
    {
        _app = app;
        _clock = clock;
        _production = production;
        _sandbox = sandbox;
        Certificate = certificate;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public X509Certificate2 Certificate { get; }

    public Uri ProductionUrl => new($"https://127.0.0.1:{_production.IPEndPoint!.Port}/");

    public Uri SandboxUrl => new($"https://127.0.0.1:{_sandbox.IPEndPoint!.Port}/");

    // The .p8 file a team downloads from Apple for this server's key.
    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    public ApnsAccount Account => AccountIn("production");

    // Every request that reached the handler, answered as it was.
    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<ApnsPush> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public ApnsAccount AccountIn(string environment) =>
        ApnsAccount.TryParse(TeamId, KeyId, PrivateKeyPem, BundleId, environment, out var account, out var error)
            ? account
            : throw new InvalidOperationException(error);

    public void Fail(string deviceToken, ApnsFault fault, TimeSpan? retryAfter = null) =>
        _faults[deviceToken] = (fault, retryAfter);

    // The device token is answered as a good one again.
    public void Recover(string deviceToken) => _faults.TryRemove(deviceToken, out _);

    // Every provider token seen so far is answered ExpiredProviderToken afterwards, as when Apple's clock and the
    // sender's disagree.
    public void ExpireProviderTokens()
    {
        lock (_received)
        {
            foreach (var push in _received)
            {
                _expired[push.ProviderToken] = true;
            }
        }
    }

    public static async Task<ApnsLoopback> StartAsync(TimeProvider clock)
    {
        var certificate = LoopbackTls.CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? production = null, sandbox = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            production = Listen(kestrel, certificate, ApnsEnvironment.Production);
            sandbox = Listen(kestrel, certificate, ApnsEnvironment.Sandbox);
        });
        var app = builder.Build();
        var apns = new ApnsLoopback(app, clock, certificate, production!, sandbox!);
        app.MapPost("/3/device/{deviceToken}", apns.PushAsync);
        await app.StartAsync();
        return apns;
    }

    private static ListenOptions Listen(
        KestrelServerOptions kestrel, X509Certificate2 certificate, ApnsEnvironment environment)
    {
        ListenOptions? options = null;
        kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            options = listen;
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
            listen.Use(next => connection =>
            {
                connection.Items[EnvironmentItem] = environment;
                return next(connection);
            });
        });
        return options!;
    }

    private async Task<IResult> PushAsync(string deviceToken, HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var environment = (ApnsEnvironment)context.Features.Get<IConnectionItemsFeature>()!.Items[EnvironmentItem]!;
        var authorization = request.Headers.Authorization.ToString();
        var providerToken = authorization.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..]
            : "";
        if (providerToken.Length == 0)
        {
            return Reason(403, "MissingProviderToken");
        }

        if (await ProviderTokenReasonAsync(providerToken) is { } refused)
        {
            return Reason(403, refused);
        }

        var topic = request.Headers["apns-topic"].ToString();
        if (topic.Length == 0)
        {
            return Reason(400, "MissingTopic");
        }

        if (topic != BundleId)
        {
            return Reason(400, "TopicDisallowed");
        }

        if (deviceToken.Length != 64 || !deviceToken.All(char.IsAsciiHexDigit))
        {
            return Reason(400, "BadDeviceToken");
        }

        var headers = request.Headers.Where(h => h.Key.StartsWith("apns-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > MaxPayloadBytes)
        {
            return Reason(413, "PayloadTooLarge");
        }

        JsonObject? payload;
        try
        {
            payload = buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray()) as JsonObject;
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload?["aps"] is not JsonObject aps)
        {
            return Reason(400, "PayloadEmpty");
        }

        if (HeaderReason(headers, aps) is { } bad)
        {
            return Reason(400, bad);
        }

        if (_faults.TryGetValue(deviceToken, out var fault))
        {
            return await FaultAsync(fault.Fault, fault.RetryAfter, context);
        }

        lock (_received)
        {
            _received.Add(new ApnsPush(request.Protocol, environment, deviceToken, headers, payload, providerToken));
        }

        context.Response.Headers["apns-id"] = headers.TryGetValue("apns-id", out var given)
            ? given
            : Guid.NewGuid().ToString("D").ToUpperInvariant();
        return Results.Ok();
    }

    // Apple's checks of a provider token, in its words; null when it is good.
    private async Task<string?> ProviderTokenReasonAsync(string providerToken)
    {
        if (_expired.ContainsKey(providerToken))
        {
            return "ExpiredProviderToken";
        }

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(providerToken,
            new TokenValidationParameters
            {
                IssuerSigningKey = new ECDsaSecurityKey(_key),
                ValidIssuer = TeamId,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ValidateAudience = false,
                // Judged below on the test's clock; a provider token has no exp.
                ValidateLifetime = false,
                RequireExpirationTime = false,
            });
        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken token || token.Kid != KeyId
            || !token.TryGetPayloadValue<long>("iat", out var iat))
        {
            return "InvalidProviderToken";
        }

        var age = _clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(iat);
        return age >= TimeSpan.FromHours(1) ? "ExpiredProviderToken"
            : age < -TimeSpan.FromMinutes(5) ? "InvalidProviderToken"
            : null;
    }

    private static string? HeaderReason(Dictionary<string, string> headers, JsonObject aps)
    {
        var pushType = headers.GetValueOrDefault("apns-push-type");
        var priority = headers.GetValueOrDefault("apns-priority", "10");
        if (priority is not ("10" or "5" or "1"))
        {
            return "BadPriority";
        }

        switch (pushType)
        {
            case "alert" when aps["alert"] is not null:
                break;
            case "background" when aps["content-available"]?.GetValue<int>() == 1 && aps["alert"] is null:
                if (priority == "10")
                {
                    return "BadPriority";
                }

                break;
            default:
                return "InvalidPushType";
        }

        if (headers.TryGetValue("apns-expiration", out var expiration)
            && !long.TryParse(expiration, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return "BadExpirationDate";
        }

        if (headers.TryGetValue("apns-collapse-id", out var collapseId)
            && Encoding.UTF8.GetByteCount(collapseId) > 64)
        {
            return "BadCollapseId";
        }

        return null;
    }

    private async Task<IResult> FaultAsync(ApnsFault fault, TimeSpan? retryAfter, HttpContext context)
    {
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((long)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        switch (fault)
        {
            case ApnsFault.Unregistered:
                return Results.Json(new { reason = "Unregistered", timestamp = _clock.GetUtcNow()
                    .ToUnixTimeMilliseconds() }, statusCode: 410);
            case ApnsFault.TooManyRequests:
                return Reason(429, "TooManyRequests");
            case ApnsFault.InternalServerError:
                return Reason(500, "InternalServerError");
            case ApnsFault.ServiceUnavailable:
                return Reason(503, "ServiceUnavailable");
            case ApnsFault.ExpiredProviderToken or ApnsFault.InvalidProviderToken:
                return Reason(403, fault.ToString());
            case ApnsFault.BadDeviceToken or ApnsFault.DeviceTokenNotForTopic:
                return Reason(400, fault.ToString());
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

    private static IResult Reason(int status, string reason) => Results.Json(new { reason }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
        Certificate.Dispose();
    }
}
