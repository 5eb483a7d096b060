using Communique.Push.Mobile;
using Communique.Push.WebPush;

namespace Communique.Push;

// A team's push credentials, opened once per send: what each platform's messages are authenticated with. A platform
// the team has not set up has none, and its subscriptions' messages wait, their send paused with that reason.
public sealed record PushCredentials(VapidSigner? Vapid, FcmAccount? Fcm, ApnsAccount? Apns);
