using Communique.Campaigns;

namespace Communique.Sending;

// A channel's renderer: per send, what every message is made with; per message, its record made into what the
// transport hands over. Per-recipient parts (attachments) are the renderer's to make. RenderAsync runs for many
// messages at once and must not use the database (the loop's context is busy with claims and outcomes).
public interface IChannelRenderer
{
    // Null with the reason when the send cannot be made (it then fails).
    Task<(PreparedSend? Prepared, string? Failure)> PrepareAsync(
        CampaignSend send, RecordShape shape, CancellationToken cancellationToken);

    ValueTask<RenderedMessage> RenderAsync(
        PreparedSend prepared, OutboundMessage message, Dictionary<string, object?> record,
        CancellationToken cancellationToken);
}
