using Communique.Campaigns;

namespace Communique.Sending;

// A message whose outcome is known (its fields changed accordingly); Refused when the transport refused it for good.
public readonly record struct Outcome(OutboundMessage Message, bool Refused);
