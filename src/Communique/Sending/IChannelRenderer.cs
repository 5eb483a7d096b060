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

    // Before a claimed batch's messages are made, in the loop's turn with the database: marks those that must not be
    // sent (suppressed, with the reason) and reads what making the others needs. False: the channel has no rules of
    // its own, and the team's suppression lists are asked by address, in each send's category.
    Task<bool> ScreenAsync(
        IReadOnlyList<OutboundMessage> messages, Func<OutboundMessage, PreparedSend> preparedOf,
        CancellationToken cancellationToken) => Task.FromResult(false);
}
