using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Communique.Tests.Infrastructure;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Communique.Tests.Push;

// The checker the Web Push tests trust, tried on a request that a library made and a loopback push service received:
// it must pass what is right and refuse a request whose token or body someone altered.
public sealed class WebPushPeerTests : IAsyncLifetime
{
    private const string Subject = "mailto:push@example.com";
    private const string Payload = "{\"title\":\"Your order has shipped\",\"body\":\"Boxes of every size — ✓\"}";

    private readonly List<(string Authorization, string Encoding, string Ttl, string Topic, byte[] Body)> _received
        = [];
    private readonly ECDsa _vapid = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication _pushService = null!;

    private string Endpoint => _pushService.Urls.Single();

    // The library names the push service by scheme and host alone, leaving out the port (which a real push service,
    // on 443, never has): that is what its tokens claim as their audience.
    private string Audience => new Uri(Endpoint).GetLeftPart(UriPartial.Scheme) + new Uri(Endpoint).Host;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _pushService = builder.Build();
        _pushService.MapPost("/push/{id}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (_received)
            {
                _received.Add((request.Headers.Authorization.ToString(), request.Headers.ContentEncoding.ToString(),
                    request.Headers["TTL"].ToString(), request.Headers["Topic"].ToString(), body.ToArray()));
            }

            return Results.Created($"/messages/{Guid.NewGuid()}", null);
        });
        await _pushService.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _pushService.DisposeAsync();
        _vapid.Dispose();
    }

    [Fact]
    public async Task A_message_another_library_encrypted_and_signed_is_decrypted_and_its_token_verified()
    {
        using var peer = new WebPushPeer();
        var (authorization, encoding, ttl, topic, body) = await SendAsync(peer);

        var (plaintext, claims) = await peer.CheckAsync(body, authorization, Audience,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Payload, plaintext);
        Assert.Equal((Audience, Subject), (claims.Str("aud"), claims.Str("sub")));
        Assert.Equal(("aes128gcm", "3600", "order-1042"), (encoding, ttl, topic));
        Assert.StartsWith("vapid t=", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_token_another_key_audience_or_body_is_refused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var peer = new WebPushPeer();
        var (authorization, _, _, _, body) = await SendAsync(peer);
        var token = Parameter(authorization, "t");
        var key = Parameter(authorization, "k");

        // Claims with another subject under the original signature.
        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]))
            .Replace(Subject, "mailto:someone-else@example.com", StringComparison.Ordinal);
        var altered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims))}.{parts[2]}";
        Assert.Contains("signature verification failed",
            await peer.RefusalAsync(body, $"vapid t={altered}, k={key}", Audience, null, cancellationToken),
            StringComparison.Ordinal);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = Base64Url.EncodeToString(Point(other.ExportParameters(false)));
        Assert.Contains("signature verification failed",
            await peer.RefusalAsync(body, $"vapid t={token}, k={otherKey}", Audience, null, cancellationToken),
            StringComparison.Ordinal);

        Assert.Contains("\"aud\"",
            await peer.RefusalAsync(body, authorization, "https://push.example", null, cancellationToken),
            StringComparison.Ordinal);

        // A token the library made is good for at most a day from now, so two days on it has expired.
        Assert.Contains("\"exp\"", await peer.RefusalAsync(body, authorization, Audience,
            TimeProvider.System.GetUtcNow().AddDays(2), cancellationToken), StringComparison.Ordinal);

        var flipped = body.ToArray();
        flipped[^1] ^= 1;
        Assert.NotEmpty(await peer.RefusalAsync(flipped, authorization, Audience, null, cancellationToken));

        // Someone else's subscription cannot read it either.
        using var stranger = new WebPushPeer();
        Assert.NotEmpty(await stranger.RefusalAsync(body, authorization, Audience, null, cancellationToken));
    }

    private async Task<(string Authorization, string Encoding, string Ttl, string Topic, byte[] Body)> SendAsync(
        WebPushPeer peer)
    {
        var key = _vapid.ExportParameters(true);
        using var authentication = new VapidAuthentication(Base64Url.EncodeToString(Point(key)),
            Base64Url.EncodeToString(key.D!)) { Subject = Subject };
        var subscription = new PushSubscription { Endpoint = $"{Endpoint}/push/{Guid.NewGuid():N}" };
        subscription.SetKey(PushEncryptionKeyName.P256DH, peer.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, peer.Auth);
        using var http = new HttpClient();
        await new PushServiceClient(http).RequestPushMessageDeliveryAsync(subscription,
            new PushMessage(Payload) { TimeToLive = 3600, Topic = "order-1042", Urgency = PushMessageUrgency.High },
            authentication, VapidAuthenticationScheme.Vapid, TestContext.Current.CancellationToken);
        lock (_received)
        {
            return Assert.Single(_received);
        }
    }

    private static string Parameter(string authorization, string name) => authorization["vapid ".Length..]
        .Split(',').Select(part => part.Trim().Split('=', 2)).Single(pair => pair[0] == name)[1];

    private static byte[] Point(ECParameters key) => [0x04, .. key.Q.X!, .. key.Q.Y!];
}
