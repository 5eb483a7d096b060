using Communique.Sending;

namespace Communique.Push;

// One push message made for one subscription: the notification as rendered, where it goes, and the Web payload —
// what a service worker receives once it has decrypted it. The archive keeps that payload, in clear: the encrypted
// body is made at the hand-over, for the subscription's keys alone, and nobody else could read it.
public sealed class PushOutgoing(
    PushNotification notification, PushTarget target, byte[] payload, PushCredentials credentials) : OutgoingMessage
{
    public PushNotification Notification { get; } = notification;
    public PushTarget Target { get; } = target;
    public PushCredentials Credentials { get; } = credentials;
    public byte[] Payload { get; } = payload;

    public override ReadOnlyMemory<byte> Bytes() => Payload;

    public override string? SearchText => $"{Notification.Title}\n{Notification.Body}";
}

// A subscription as its transport needs it.
public sealed record PushTarget(PushPlatform Platform, string Endpoint, string? P256dh, string? Auth);
