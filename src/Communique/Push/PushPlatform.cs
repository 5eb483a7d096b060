namespace Communique.Push;

// Where a subscription's messages go: a browser's push service (Web Push), Firebase Cloud Messaging (Android, and
// iOS apps built on Firebase) or the Apple Push Notification service.
public enum PushPlatform
{
    Web,
    Fcm,
    Apns,
}
