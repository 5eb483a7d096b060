using Communique.Campaigns;

namespace Communique.Sending;

// What every message of a send is made with, prepared once per send by its channel's renderer (which subclasses it
// with what it needs: parsed templates, keys, attachments read once).
public abstract class PreparedSend(CampaignSend send)
{
    public CampaignSend Send { get; } = send;

    // What an unsubscribe from one of its messages applies to: the suppression rules are asked per category.
    public abstract string Category { get; }
}
