using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Communique.Push;
using Communique.Push.Mobile;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.Push;

// The FCM HTTP v1 client against a loopback server that keeps Google's contract: the service-account grant, the
// messages:send call, and the errors FCM documents, each mapped to what it means for the message and the device.
public sealed class FcmClientTests : IAsyncLifetime
{
    private const string Device = "fcm-device-token:APA91bH0loopback";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private FcmLoopback _fcm = null!;
    private HttpClient _http = null!;
    private FcmClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _fcm = await FcmLoopback.StartAsync(_clock);
        _http = LoopbackTls.TrustingClient(TimeSpan.FromSeconds(30), _fcm.Certificate);
        _client = new FcmClient(_http, _fcm.BaseUrl, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _fcm.DisposeAsync();
    }

    private static PushNotification Notification(
        string title = "Your order has shipped", TimeSpan? ttl = null, JsonObject? overrides = null) => new(
        title,
        "It arrives on Tuesday.",
        "ic_stat_parcel",
        "https://cdn.example.com/parcel.png",
        "3",
        "https://shop.example.com/orders/42",
        [new PushAction("track", "Track", "https://shop.example.com/track/42"), new PushAction("later", "Later", null)],
        new Dictionary<string, string> { ["order"] = "42", ["m"] = "message-id" },
        ttl ?? TimeSpan.FromHours(2),
        PushUrgency.High,
        "order-42",
        overrides);

    private Task<PushAnswer> SendAsync(string device = Device, PushNotification? notification = null) =>
        _client.SendAsync(_fcm.Account, device, notification ?? Notification(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_notification_reaches_fcm_as_a_v1_message_with_the_override_merged_over_it()
    {
        var answer = await SendAsync(notification: Notification(overrides: new JsonObject
        {
            ["android"] = new JsonObject
            {
                ["priority"] = "normal",
                ["notification"] = new JsonObject { ["color"] = "#ff6600" },
            },
            ["fcm_options"] = new JsonObject { ["analytics_label"] = "shipping" },
        }));

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        Assert.StartsWith(
            $"FCM 200 projects/{FcmLoopback.ProjectId}/messages/", answer.Reply, StringComparison.Ordinal);
        var sent = Assert.Single(_fcm.Received);
        Assert.Equal(Device, sent.DeviceToken);
        var message = sent.Message;
        Assert.Equal("""{"title":"Your order has shipped","body":"It arrives on Tuesday.","image":"https://"""
            + """cdn.example.com/parcel.png"}""", message["notification"]!.ToJsonString());
        var data = message["data"]!.AsObject();
        Assert.Equal(("42", "message-id", "https://shop.example.com/orders/42"),
            (Str(data, "order"), Str(data, "m"), Str(data, "url")));
        // FCM's data is strings only: the buttons go as a JSON string.
        Assert.Equal("""[{"action":"track","title":"Track","url":"https://shop.example.com/track/42"},"""
            + """{"action":"later","title":"Later"}]""", Str(data, "actions"));
        var android = message["android"]!.AsObject();
        Assert.Equal(("7200s", "normal", "order-42"),
            (Str(android, "ttl"), Str(android, "priority"), Str(android, "collapse_key")));
        Assert.Equal("""{"icon":"ic_stat_parcel","tag":"order-42","notification_count":3,"color":"#ff6600"}""",
            android["notification"]!.ToJsonString());
        Assert.Equal("shipping", message["fcm_options"]!["analytics_label"]!.GetValue<string>());
        var apns = message["apns"]!["headers"]!.AsObject();
        Assert.Equal(("alert", "10", "order-42"),
            (Str(apns, "apns-push-type"), Str(apns, "apns-priority"), Str(apns, "apns-collapse-id")));
        Assert.Equal(_clock.GetUtcNow().AddHours(2).ToUnixTimeSeconds().ToString(
            System.Globalization.CultureInfo.InvariantCulture), Str(apns, "apns-expiration"));
    }

    [Fact]
    public async Task A_notification_without_a_title_goes_as_a_data_message_for_the_app()
    {
        var answer = await SendAsync(notification: Notification(title: "") with { Urgency = PushUrgency.Normal });

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        var message = Assert.Single(_fcm.Received).Message;
        Assert.Null(message["notification"]);
        Assert.Null(message["android"]!["notification"]);
        Assert.Equal("normal", Str(message["android"]!.AsObject(), "priority"));
        Assert.Equal("42", Str(message["data"]!.AsObject(), "order"));
        var apns = message["apns"]!["headers"]!.AsObject();
        Assert.Equal(("background", "5"), (Str(apns, "apns-push-type"), Str(apns, "apns-priority")));
    }

    [Fact]
    public async Task A_time_to_live_beyond_four_weeks_is_cut_to_what_fcm_takes()
    {
        await SendAsync(notification: Notification(ttl: TimeSpan.FromDays(90)));

        Assert.Equal("2419200s", Str(Assert.Single(_fcm.Received).Message["android"]!.AsObject(), "ttl"));
    }

    [Fact]
    public async Task One_access_token_serves_every_send_until_five_minutes_before_it_expires()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(PushVerdict.Delivered, (await SendAsync()).Verdict);
        }

        _clock.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal(PushVerdict.Delivered, (await SendAsync()).Verdict);
        Assert.Equal(1, _fcm.TokenRequests);
        Assert.Single(_fcm.Received.Select(s => s.AccessToken).Distinct());

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PushVerdict.Delivered, (await SendAsync()).Verdict);
        Assert.Equal(2, _fcm.TokenRequests);
        Assert.Equal(2, _fcm.Received.Select(s => s.AccessToken).Distinct().Count());
    }

    [Fact]
    public async Task A_revoked_access_token_is_fetched_again_once_and_the_message_sent()
    {
        await SendAsync();
        _fcm.RevokeAccessTokens();

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.Delivered, answer.Verdict);
        Assert.Equal((2, 3), (_fcm.TokenRequests, _fcm.Sends));
    }

    [Fact]
    public async Task An_access_token_refused_again_after_a_new_one_is_the_accounts_fault()
    {
        _fcm.Fail(Device, FcmFault.Unauthenticated);

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.StartsWith("FCM 401 UNAUTHENTICATED", answer.Reply, StringComparison.Ordinal);
        Assert.Equal((2, 2), (_fcm.TokenRequests, _fcm.Sends));
    }

    [Fact]
    public async Task A_service_account_google_refuses_is_reported_without_trying_to_send()
    {
        _fcm.RefusesGrants = true;

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.Contains("400 invalid_grant: Invalid grant: account not found", answer.Reply, StringComparison.Ordinal);
        Assert.Contains(FcmLoopback.ClientEmail, answer.Reply, StringComparison.Ordinal);
        Assert.Equal(0, _fcm.Sends);

        // Refused grants are not kept: once the account is fixed, the next send asks again.
        _fcm.RefusesGrants = false;
        Assert.Equal(PushVerdict.Delivered, (await SendAsync()).Verdict);
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_is_refused_as_an_invalid_signature()
    {
        using var other = RSA.Create(2048);
        Assert.True(FcmAccount.TryParse(_fcm.ServiceAccountJsonFor(other), out var stranger, out _));

        var answer = await _client.SendAsync(stranger, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal(PushVerdict.CredentialsRefused, answer.Verdict);
        Assert.Contains("invalid_grant: Invalid JWT Signature.", answer.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", answer.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_token_endpoint_means_try_again()
    {
        _fcm.TokenEndpointUnavailable = true;

        var answer = await SendAsync();

        Assert.Equal(PushVerdict.Retry, answer.Verdict);
        Assert.Contains("503", answer.Reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FcmFault.Unregistered, PushVerdict.Gone, "FCM 404 UNREGISTERED")]
    [InlineData(FcmFault.InvalidToken, PushVerdict.Gone, "FCM 400 INVALID_ARGUMENT")]
    [InlineData(FcmFault.SenderIdMismatch, PushVerdict.Gone, "FCM 403 SENDER_ID_MISMATCH")]
    [InlineData(FcmFault.InvalidArgument, PushVerdict.Rejected, "FCM 400 INVALID_ARGUMENT")]
    [InlineData(FcmFault.QuotaExceeded, PushVerdict.Retry, "FCM 429 QUOTA_EXCEEDED")]
    [InlineData(FcmFault.Internal, PushVerdict.Retry, "FCM 500 INTERNAL")]
    [InlineData(FcmFault.Unavailable, PushVerdict.Retry, "FCM 503 UNAVAILABLE")]
    [InlineData(FcmFault.PermissionDenied, PushVerdict.CredentialsRefused, "FCM 403 PERMISSION_DENIED")]
    public async Task Each_documented_fcm_error_means_what_google_says(
        FcmFault fault, PushVerdict verdict, string reply)
    {
        _fcm.Fail(Device, fault);

        var answer = await SendAsync();

        Assert.Equal(verdict, answer.Verdict);
        Assert.StartsWith(reply, answer.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain(Device, answer.Reply, StringComparison.Ordinal);
        Assert.Null(answer.RetryAfter);
        Assert.Equal(1, _fcm.Sends);
    }

    [Theory]
    [InlineData(FcmFault.QuotaExceeded)]
    [InlineData(FcmFault.Unavailable)]
    public async Task A_retry_after_from_fcm_is_kept_with_the_answer(FcmFault fault)
    {
        _fcm.Fail(Device, fault, TimeSpan.FromSeconds(90));

        var answer = await SendAsync();

        Assert.Equal((PushVerdict.Retry, TimeSpan.FromSeconds(90)), (answer.Verdict, answer.RetryAfter));
    }

    [Fact]
    public async Task Two_hundred_sends_at_once_are_all_delivered_with_one_access_token()
    {
        var devices = Enumerable.Range(0, 200).Select(i => $"device-{i:D3}").ToList();

        var answers = await Task.WhenAll(devices.Select(device => Task.Run(() => SendAsync(device))));

        Assert.All(answers, answer => Assert.Equal(PushVerdict.Delivered, answer.Verdict));
        Assert.Equal(devices, _fcm.Received.Select(s => s.DeviceToken).Order(StringComparer.Ordinal));
        Assert.Equal(1, _fcm.TokenRequests);
    }

    [Fact]
    public async Task An_fcm_that_does_not_answer_in_time_means_try_again()
    {
        _fcm.Fail(Device, FcmFault.Stall);
        using var impatient = LoopbackTls.TrustingClient(TimeSpan.FromMilliseconds(500), _fcm.Certificate);
        var client = new FcmClient(impatient, _fcm.BaseUrl, _clock);

        var answer = await client.SendAsync(
            _fcm.Account, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal(PushVerdict.Retry, answer.Verdict);
        Assert.Equal("FCM did not answer in time.", answer.Reply);
    }

    [Fact]
    public async Task An_fcm_that_cannot_be_reached_means_try_again()
    {
        var closed = new UriBuilder(_fcm.BaseUrl) { Port = ClosedPort() }.Uri;
        var client = new FcmClient(_http, closed, _clock);

        var answer = await client.SendAsync(
            _fcm.Account, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal(PushVerdict.Retry, answer.Verdict);
        Assert.StartsWith("FCM could not be reached (ConnectionError)", answer.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_fcm_certificate_the_client_does_not_trust_is_not_talked_to()
    {
        using var other = LoopbackTls.CreateCertificate();
        using var wary = LoopbackTls.TrustingClient(TimeSpan.FromSeconds(30), other);
        var client = new FcmClient(wary, _fcm.BaseUrl, _clock);

        var answer = await client.SendAsync(
            _fcm.Account, Device, Notification(), TestContext.Current.CancellationToken);

        Assert.Equal(PushVerdict.Retry, answer.Verdict);
        Assert.Contains("SecureConnectionError", answer.Reply, StringComparison.Ordinal);
        Assert.Equal(0, _fcm.TokenRequests);
    }

    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Str(JsonObject json, string name) => json[name]!.GetValue<string>();
}
