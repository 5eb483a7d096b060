using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Communique.Push;
using Communique.Push.Mobile;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.Push;

// The APNs client against a loopback server that keeps Apple's provider API contract: HTTP/2, ES256 provider tokens,
// the apns-* headers, and the errors Apple documents, each mapped to what it means for the message and the device.
public sealed class ApnsClientTests : IAsyncLifetime
{
    private static readonly string Device = Convert.ToHexStringLower(SHA256.HashData("an iPhone"u8));

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private ApnsLoopback _apns = null!;
    private HttpClient _http = null!;
    private ApnsClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _apns = await ApnsLoopback.StartAsync(_clock);
        _http = LoopbackTls.TrustingClient(TimeSpan.FromSeconds(30), _apns.Certificate);
        _client = new ApnsClient(_http, _apns.ProductionUrl, _apns.SandboxUrl, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _apns.DisposeAsync();
    }

    private static PushNotification Notification(
        string title = "Your order has shipped", string? topic = "order-42", JsonObject? overrides = null) => new(
        title,
        "It arrives on Tuesday.",
        "https://cdn.example.com/icon.png",
        "https://cdn.example.com/parcel.png",
        "3",
        "https://shop.example.com/orders/42",
        [new PushAction("track", "Track", "https://shop.example.com/track/42"), new PushAction("later", "Later", null)],
        new Dictionary<string, string> { ["order"] = "42", ["m"] = "message-id" },
        TimeSpan.FromHours(2),
        PushUrgency.High,
        topic,
        overrides);

    private Task<PushAnswer> SendAsync(
        string? device = null, PushNotification? notification = null, ApnsAccount? account = null) =>
        _client.SendAsync(account ?? _apns.Account, device ?? Device, notification ?? Notification(),
            TestContext.Current.CancellationToken);

    private static string Device2(int i) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));

    [Fact]
    public async Task A_notification_reaches_apns_over_http2_with_a_verified_token_and_apples_headers()
    {
        var answer = await SendAsync(notification: Notification(overrides: new JsonObject
        {
            ["aps"] = new JsonObject { ["sound"] = "default", ["thread-id"] = "orders" },
            ["campaign"] = "autumn",
        }));

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        Assert.Matches("^APNs 200 apns-id [0-9A-F-]{36}$", answer.Reply);
        var push = Assert.Single(_apns.Received);
        Assert.Equal(("HTTP/2", ApnsEnvironment.Production, Device),
            (push.Protocol, push.Environment, push.DeviceToken));
        var expiration = _clock.GetUtcNow().AddHours(2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(ApnsLoopback.BundleId, push.Headers["apns-topic"]);
        Assert.Equal(("alert", "10", expiration, "order-42"),
            (push.Headers["apns-push-type"], push.Headers["apns-priority"], push.Headers["apns-expiration"],
                push.Headers["apns-collapse-id"]));
        Assert.Equal(
            """{"title":"Your order has shipped","body":"It arrives on Tuesday."}""",
            push.Payload["aps"]!["alert"]!.ToJsonString());
        var aps = push.Payload["aps"]!.AsObject();
        Assert.Equal((3, 1, "track,later", "default", "orders"),
            (aps["badge"]!.GetValue<int>(), aps["mutable-content"]!.GetValue<int>(), Str(aps, "category"),
                Str(aps, "sound"), Str(aps, "thread-id")));
        Assert.Equal(("42", "message-id", "https://shop.example.com/orders/42", "https://cdn.example.com/parcel.png"),
            (Str(push.Payload, "order"), Str(push.Payload, "m"), Str(push.Payload, "url"),
                Str(push.Payload, "image")));
        Assert.Equal("autumn", Str(push.Payload, "campaign"));
        Assert.Equal("""[{"action":"track","title":"Track","url":"https://shop.example.com/track/42"},"""
            + """{"action":"later","title":"Later"}]""", push.Payload["actions"]!.ToJsonString());
    }

    [Fact]
    public async Task A_notification_without_a_title_goes_as_a_background_push_at_priority_five()
    {
        var answer = await SendAsync(notification: Notification(title: " ", topic: null));

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        var push = Assert.Single(_apns.Received);
        Assert.Equal(("background", "5"), (push.Headers["apns-push-type"], push.Headers["apns-priority"]));
        Assert.False(push.Headers.ContainsKey("apns-collapse-id"));
        Assert.Equal("""{"content-available":1}""", push.Payload["aps"]!.ToJsonString());
    }

    [Fact]
    public async Task A_topic_longer_than_a_collapse_id_collapses_by_its_hash()
    {
        var topic = string.Concat(Enumerable.Repeat("très-long-sujet-", 8));

        await SendAsync(notification: Notification(topic: topic));
        await SendAsync(notification: Notification(topic: topic));

        var ids = _apns.Received.Select(p => p.Headers["apns-collapse-id"]).ToList();
        Assert.Single(ids.Distinct());
        Assert.InRange(Encoding.UTF8.GetByteCount(ids[0]), 1, 64);
    }

    [Fact]
    public async Task A_sandbox_account_sends_to_the_sandbox()
    {
        await SendAsync(account: _apns.AccountIn("sandbox"));

        Assert.Equal(ApnsEnvironment.Sandbox, Assert.Single(_apns.Received).Environment);
    }

    [Fact]
    public async Task One_provider_token_serves_forty_minutes_of_sends_and_then_a_new_one_is_made()
    {
        await SendAsync();
        _clock.Advance(TimeSpan.FromMinutes(39));
        await SendAsync();
        Assert.Single(_apns.Received.Select(p => p.ProviderToken).Distinct());

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PushVerdict.Delivered, (await SendAsync()).Verdict);
        Assert.Equal(2, _apns.Received.Select(p => p.ProviderToken).Distinct().Count());
    }

    [Fact]
    public async Task A_provider_token_apple_calls_expired_is_made_again_once_and_the_message_resent()
    {
        await SendAsync();
        _apns.ExpireProviderTokens();

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        Assert.Equal(3, _apns.Requests);
        Assert.Equal(2, _apns.Received.Select(p => p.ProviderToken).Distinct().Count());
    }

    [Fact]
    public async Task A_provider_token_expired_again_after_a_new_one_is_the_credentials_fault()
    {
        _apns.Fail(Device, ApnsFault.ExpiredProviderToken);

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.StartsWith("APNs 403 ExpiredProviderToken", answer.Reply, StringComparison.Ordinal);
        Assert.Equal(2, _apns.Requests);
    }

    [Fact]
    public async Task A_key_apple_does_not_know_is_refused_as_an_invalid_provider_token()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.True(ApnsAccount.TryParse(ApnsLoopback.TeamId, ApnsLoopback.KeyId, other.ExportPkcs8PrivateKeyPem(),
            ApnsLoopback.BundleId, "production", out var stranger, out _));

        var answer = await SendAsync(account: stranger);

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.StartsWith("APNs 403 InvalidProviderToken", answer.Reply, StringComparison.Ordinal);
        Assert.Equal(1, _apns.Requests);
    }

    [Fact]
    public async Task A_bundle_id_the_key_may_not_send_to_is_the_credentials_fault()
    {
        Assert.True(ApnsAccount.TryParse(ApnsLoopback.TeamId, ApnsLoopback.KeyId, _apns.PrivateKeyPem,
            "com.example.someone-else", "production", out var elsewhere, out _));

        var answer = await SendAsync(account: elsewhere);

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.StartsWith("APNs 400 TopicDisallowed (", answer.Reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApnsFault.Unregistered, PushVerdict.Gone, "APNs 410 Unregistered")]
    [InlineData(ApnsFault.BadDeviceToken, PushVerdict.Gone, "APNs 400 BadDeviceToken")]
    [InlineData(ApnsFault.DeviceTokenNotForTopic, PushVerdict.Gone, "APNs 400 DeviceTokenNotForTopic")]
    [InlineData(ApnsFault.TooManyRequests, PushVerdict.Retry, "APNs 429 TooManyRequests")]
    [InlineData(ApnsFault.InternalServerError, PushVerdict.Retry, "APNs 500 InternalServerError")]
    [InlineData(ApnsFault.ServiceUnavailable, PushVerdict.Retry, "APNs 503 ServiceUnavailable")]
    [InlineData(ApnsFault.InvalidProviderToken, PushVerdict.CredentialsRefused, "APNs 403 InvalidProviderToken")]
    public async Task Each_documented_apns_error_means_what_apple_says(
        ApnsFault fault, PushVerdict verdict, string reply)
    {
        _apns.Fail(Device, fault);

        var answer = await SendAsync();

        Assert.Equal(verdict, answer.Verdict);
        Assert.StartsWith(reply, answer.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain(Device, answer.Reply, StringComparison.Ordinal);
        Assert.Equal(1, _apns.Requests);
    }

    [Fact]
    public async Task Too_many_requests_are_tried_again_after_the_wait_apple_names()
    {
        _apns.Fail(Device, ApnsFault.TooManyRequests, TimeSpan.FromSeconds(120));

        var answer = await SendAsync();

        Assert.Equal((PushVerdict.Retry, TimeSpan.FromSeconds(120)), (answer.Verdict, answer.RetryAfter));
    }

    [Fact]
    public async Task A_payload_over_four_kilobytes_is_rejected_and_the_device_kept()
    {
        var large = Notification() with
        {
            Data = new Dictionary<string, string> { ["story"] = new string('x', 5000) },
        };

        var answer = await SendAsync(notification: large);

        Assert.Equal((PushVerdict.Rejected, "APNs 413 PayloadTooLarge"), (answer.Verdict, answer.Reply));
    }

    [Fact]
    public async Task A_device_token_that_is_not_hexadecimal_is_gone_without_asking_apple()
    {
        var answer = await SendAsync(device: "../../4/admin?x=");

        Assert.Equal(PushVerdict.Gone, answer.Verdict);
        Assert.Equal(0, _apns.Requests);
    }

    [Fact]
    public async Task Two_hundred_sends_at_once_are_all_delivered_with_one_provider_token()
    {
        var devices = Enumerable.Range(0, 200).Select(Device2).ToList();

        var answers = await Task.WhenAll(devices.Select(device => Task.Run(() => SendAsync(device))));

        Assert.All(answers, answer => Assert.Equal(PushVerdict.Delivered, answer.Verdict));
        Assert.Equal(devices.Order(StringComparer.Ordinal),
            _apns.Received.Select(p => p.DeviceToken).Order(StringComparer.Ordinal));
        Assert.Single(_apns.Received.Select(p => p.ProviderToken).Distinct());
        Assert.All(_apns.Received, p => Assert.Equal("HTTP/2", p.Protocol));
    }

    [Fact]
    public async Task An_apns_that_does_not_answer_in_time_means_try_again()
    {
        _apns.Fail(Device, ApnsFault.Stall);
        using var impatient = LoopbackTls.TrustingClient(TimeSpan.FromMilliseconds(500), _apns.Certificate);
        var client = new ApnsClient(impatient, _apns.ProductionUrl, _apns.SandboxUrl, _clock);

        var answer = await client.SendAsync(
            _apns.Account, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal((PushVerdict.Retry, "APNs did not answer in time."), (answer.Verdict, answer.Reply));
    }

    [Fact]
    public async Task An_apns_that_cannot_be_reached_means_try_again()
    {
        var closed = new UriBuilder(_apns.ProductionUrl) { Port = FcmClientTests.ClosedPort() }.Uri;
        var client = new ApnsClient(_http, closed, closed, _clock);

        var answer = await client.SendAsync(
            _apns.Account, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal(PushVerdict.Retry, answer.Verdict);
        Assert.StartsWith("APNs could not be reached (ConnectionError)", answer.Reply, StringComparison.Ordinal);
    }

    private static string Str(JsonObject json, string name) => json[name]!.GetValue<string>();
}
