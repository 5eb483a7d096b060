using Communique.Communications;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Communique.Campaigns;

// Whether this installation can send a channel (Sending knows: a renderer and a transport are registered for it). A
// send of a channel it cannot send is refused where it is asked for.
public interface IChannelAvailability
{
    bool Has(Channel channel);

    static ProblemHttpResult NotAvailable(Channel channel) => TypedResults.Problem(
        $"This installation cannot send {WireNames.Of(channel)} communications: no renderer and transport are "
        + "registered for that channel.",
        statusCode: 422, title: "Channel not available", type: ProblemTypes.ChannelNotAvailable);
}
