using Communique.Communications;

namespace Communique.Sending;

// A channel whose renderer and transport are registered (SendingSetup.AddChannel).
public sealed record ChannelRegistration(Channel Channel);
