using Communique.Campaigns;
using Communique.Communications;

namespace Communique.Sending;

// The channels that can be sent, each a renderer and a transport registered under its Channel (AddChannel). A send
// of a channel without them is refused where it is asked for.
public sealed class ChannelPlugins(IServiceProvider services, IEnumerable<ChannelRegistration> registered)
    : IChannelAvailability
{
    private readonly HashSet<Channel> _channels = [.. registered.Select(r => r.Channel)];

    public bool Has(Channel channel) => _channels.Contains(channel);

    public IChannelRenderer RendererOf(Channel channel) =>
        services.GetRequiredKeyedService<IChannelRenderer>(channel);

    public IChannelTransport TransportOf(Channel channel) =>
        services.GetRequiredKeyedService<IChannelTransport>(channel);

    // Null: one message per data source record, addressed by a field.
    public ISendExpansion? ExpansionOf(Channel channel) => services.GetKeyedService<ISendExpansion>(channel);

    // Null: the channel's refusals are hard bounces, as email's are.
    public IChannelRefusals? RefusalsOf(Channel channel) => services.GetKeyedService<IChannelRefusals>(channel);
}
