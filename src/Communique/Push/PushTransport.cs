using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Communique.Campaigns;
using Communique.Push.Mobile;
using Communique.Push.WebPush;
using Communique.Sending;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// The push channel's transport: each message to its subscription's push service, Web Push (RFC 8030, the payload
// encrypted per RFC 8291 and the request signed per RFC 8292), FCM or APNs, and the answer read as a
// PushAnswer: the service took it, the subscription is gone (removed), the message was refused as it is, try again
// later (after the service's Retry-After), or the team's credentials were refused (the send pauses).
public sealed class PushTransport(PushHttp http, IOptions<PushOptions> options, TimeProvider clock)
    : IChannelTransport
{
    private readonly FcmClient _fcm = new(http.Client, new Uri(options.Value.FcmBaseUrl), clock);
    private readonly ApnsClient _apns = new(
        http.Client, new Uri(options.Value.ApnsProductionUrl), new Uri(options.Value.ApnsSandboxUrl), clock);

    public int Parallelism => options.Value.Parallelism;

    public async Task<DeliveryResult> HandOverAsync(
        OutboundMessage message, OutgoingMessage outgoing, HandOverGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(gate);
        var push = (PushOutgoing)outgoing;
        var answer = push.Target.Platform switch
        {
            PushPlatform.Web => await WebAsync(push, gate, cancellationToken),
            PushPlatform.Fcm when push.Credentials.Fcm is { } account =>
                await MobileAsync(gate, () => _fcm.SendAsync(account, push.Target.Endpoint, push.Notification,
                    cancellationToken), cancellationToken),
            PushPlatform.Apns when push.Credentials.Apns is { } account =>
                await MobileAsync(gate, () => _apns.SendAsync(account, push.Target.Endpoint, push.Notification,
                    cancellationToken), cancellationToken),
            _ => new PushAnswer(PushVerdict.CredentialsRefused,
                $"The team has no {(push.Target.Platform == PushPlatform.Fcm ? "FCM service account" : "APNs key")}."),
        };
        return answer.Verdict switch
        {
            PushVerdict.Delivered => DeliveryResult.Accepted(answer.Reply),
            PushVerdict.Gone => new DeliveryResult(DeliveryOutcome.PermanentFailure, answer.Reply),
            PushVerdict.Rejected => new DeliveryResult(DeliveryOutcome.Rejected, answer.Reply),
            PushVerdict.CredentialsRefused => new DeliveryResult(DeliveryOutcome.Paused, answer.Reply, HandOvers: 0),
            _ => new DeliveryResult(DeliveryOutcome.TemporaryFailure, answer.Reply, RetryAfter: answer.RetryAfter),
        };
    }

    private async Task<PushAnswer> WebAsync(PushOutgoing push, HandOverGate gate, CancellationToken cancellationToken)
    {
        if (push.Credentials.Vapid is not { } vapid)
        {
            return new PushAnswer(PushVerdict.CredentialsRefused, "The team has no VAPID key.");
        }

        var endpoint = new Uri(push.Target.Endpoint);
        var notification = push.Notification;
        var body = WebPushEncryption.Encrypt(push.Payload, Base64Url.DecodeFromChars(push.Target.P256dh),
            Base64Url.DecodeFromChars(push.Target.Auth));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("Authorization", vapid.AuthorizationFor(endpoint));
        request.Headers.Add("TTL", ((long)notification.TimeToLive.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (notification.Urgency != PushUrgency.Normal)
        {
            request.Headers.Add("Urgency", notification.Urgency == PushUrgency.VeryLow ? "very-low"
                : notification.Urgency == PushUrgency.Low ? "low" : "high");
        }

        if (notification.Topic is { Length: > 0 } topic)
        {
            request.Headers.Add("Topic", topic);
        }

        try
        {
            await gate.PassAsync(cancellationToken);
            using var response = await http.Client.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted)
            {
                return PushAnswer.Delivered($"{(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return WebAnswer(response, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException failed)
        {
            return new PushAnswer(PushVerdict.Retry, $"The push service could not be reached: {failed.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PushAnswer(PushVerdict.Retry, "The push service did not answer in time.");
        }
    }

    private static async Task<PushAnswer> MobileAsync(
        HandOverGate gate, Func<Task<PushAnswer>> send, CancellationToken cancellationToken)
    {
        await gate.PassAsync(cancellationToken);
        return await send();
    }

    // RFC 8030 §5 and §8.4, with what push services answer in practice (Mozilla's autopush, Google's FCM endpoints).
    private PushAnswer WebAnswer(HttpResponseMessage response, string body)
    {
        var text = (string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? "" : body)
            .ReplaceLineEndings(" ").Trim();
        var reply = string.Create(CultureInfo.InvariantCulture,
            $"{(int)response.StatusCode} {(text.Length > 300 ? text[..300] : text)}");
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new PushAnswer(PushVerdict.Gone, reply),
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                new PushAnswer(PushVerdict.Retry, reply, RetryAfter(response, clock.GetUtcNow())),
            // Our JWT was refused whatever the subscription: the team's key or subject needs fixing.
            HttpStatusCode.Unauthorized => new PushAnswer(PushVerdict.CredentialsRefused,
                $"{reply}: the push service refused the team's VAPID signature"),
            // The subscription was made with another VAPID key (one rotated since): this message fails.
            HttpStatusCode.Forbidden => new PushAnswer(PushVerdict.Rejected,
                $"{reply}: the subscription belongs to another VAPID key"),
            _ => new PushAnswer(PushVerdict.Rejected, reply),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };
}
