using System.Globalization;
using System.Net;
using Communique.Campaigns;
using Communique.Push.Mobile;
using Communique.Sending;
using Lib.Net.Http.WebPush;
using Microsoft.Extensions.Options;
using WebPushMessage = Lib.Net.Http.WebPush.PushMessage;
using WebPushSubscription = Lib.Net.Http.WebPush.PushSubscription;

namespace Communique.Push;

// The push channel's transport: each message to its subscription's push service, Web Push (RFC 8030, the payload
// encrypted per RFC 8291 and the request signed per RFC 8292, by Lib.Net.Http.WebPush), and the answer read as a
// PushAnswer: the service took it, the subscription is gone (removed), the message was refused as it is, try again
// later (after the service's Retry-After), or the team's credentials were refused (the send pauses).
public sealed class PushTransport(PushHttp http, IOptions<PushOptions> options, TimeProvider clock)
    : IChannelTransport
{
    private readonly PushServiceClient _web = new(http.Client) { AutoRetryAfter = false };
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

        var subscription = new WebPushSubscription { Endpoint = push.Target.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, push.Target.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, push.Target.Auth);
        var notification = push.Notification;
        using var content = new ByteArrayContent(push.Payload);
        var message = new WebPushMessage(content)
        {
            TimeToLive = (int)notification.TimeToLive.TotalSeconds,
            Topic = notification.Topic,
            Urgency = notification.Urgency switch
            {
                PushUrgency.VeryLow => PushMessageUrgency.VeryLow,
                PushUrgency.Low => PushMessageUrgency.Low,
                PushUrgency.High => PushMessageUrgency.High,
                _ => PushMessageUrgency.Normal,
            },
        };
        try
        {
            await gate.PassAsync(cancellationToken);
            await _web.RequestPushMessageDeliveryAsync(subscription, message, vapid, cancellationToken);
            return PushAnswer.Delivered("201 Created");
        }
        catch (PushServiceClientException refused)
        {
            return WebAnswer(refused);
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
    private PushAnswer WebAnswer(PushServiceClientException refused)
    {
        var status = (int)refused.StatusCode;
        var reply = string.Create(CultureInfo.InvariantCulture, $"{status} {Reason(refused)}");
        return refused.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new PushAnswer(PushVerdict.Gone, reply),
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                new PushAnswer(PushVerdict.Retry, reply, RetryAfter(refused, clock.GetUtcNow())),
            // Our JWT was refused whatever the subscription: the team's key or subject needs fixing.
            HttpStatusCode.Unauthorized => new PushAnswer(PushVerdict.CredentialsRefused,
                $"{reply}: the push service refused the team's VAPID signature"),
            // The subscription was made with another VAPID key (one rotated since): this message fails.
            HttpStatusCode.Forbidden => new PushAnswer(PushVerdict.Rejected,
                $"{reply}: the subscription belongs to another VAPID key"),
            _ => new PushAnswer(PushVerdict.Rejected, reply),
        };
    }

    private static string Reason(PushServiceClientException refused)
    {
        var text = string.IsNullOrWhiteSpace(refused.Body) ? refused.Message : refused.Body;
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] : text;
    }

    private static TimeSpan? RetryAfter(PushServiceClientException refused, DateTimeOffset now) =>
        refused.Headers?.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };
}
