using Communique.Campaigns;

namespace Communique.Sending;

// Claimed messages, with what each is made from: its send as prepared by its channel's renderer, and its record
// (read when the message is made). Last: nothing is due beyond them.
public sealed record ClaimedBatch(
    List<OutboundMessage> Messages, Func<OutboundMessage, PreparedSend> PreparedOf,
    Func<OutboundMessage, Dictionary<string, object?>> RecordOf, bool Last);
