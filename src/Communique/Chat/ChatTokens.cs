using Communique.Auth;

namespace Communique.Chat;

// The token a widget or another public client holds for its conversation: it proves the holder started the
// conversation.
public sealed class ChatTokens(MasterKey masterKey) : IdTokens(masterKey, "communique chat conversation tokens");
