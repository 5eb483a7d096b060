namespace Communique.Push;

// What a push service's answer to one message means for it and for its subscription.
public enum PushVerdict
{
    // The push service took the message (Web Push 201, FCM 200, APNs 200).
    Delivered,

    // The subscription or device token no longer exists (Web Push 404/410, FCM UNREGISTERED, APNs 410 or a bad
    // device token): the message fails and the subscription is removed.
    Gone,

    // The message will never be taken as it is (too large, malformed): it fails; the subscription stays.
    Rejected,

    // Worth trying again later (429, 5xx, a timeout, a lost connection), after RetryAfter when the service said.
    Retry,

    // Our credentials were refused (an expired or revoked FCM service account, APNs key or VAPID key): the message
    // waits and its send pauses with the reason, until an administrator fixes the team's settings.
    CredentialsRefused,
}
