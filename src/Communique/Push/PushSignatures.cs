using Communique.Auth;

namespace Communique.Push;

// The signature inside each push message's payload, which its service worker sends back with the message's display
// and click reports: only the device the message was encrypted for can read it, so reports cannot be forged for
// other messages.
public sealed class PushSignatures(MasterKey masterKey) : IdTokens(masterKey, "communique push event signatures");
