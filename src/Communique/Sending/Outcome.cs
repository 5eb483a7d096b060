using Communique.Campaigns;

namespace Communique.Sending;

// A message whose outcome is known (its fields changed accordingly). Refused: the transport refused its address for
// good. Pauses: the channel's credentials were refused, and the message's send pauses with its reply as the reason.
public readonly record struct Outcome(OutboundMessage Message, bool Refused, bool Pauses = false);
