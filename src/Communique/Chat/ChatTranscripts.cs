using System.Text;
using System.Text.Json;
using Communique.Communications;
using Communique.Data;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// An ended conversation's transcript goes to the team's archive (unless its policy leaves chat out): a JSON document
// of the conversation and every message, found by the user's id and the words said.
public sealed class ChatTranscripts(IMessageArchive archive)
{
    public sealed record Transcript(
        Guid ConversationId, Guid BotId, int BotVersion, string Channel, string? ExternalUserId, string? EndReason,
        DateTime CreatedAt, DateTime? EndedAt, IReadOnlyList<MessageResponse> Messages);

    public async Task KeepAsync(AppDb db, Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(conversation);
        if (!archive.Keeps || !await archive.KeepsAsync(conversation.TeamId, Channel.Chat, cancellationToken))
        {
            return;
        }

        var messages = await db.ChatMessages.AsNoTracking().Where(m => m.ConversationId == conversation.Id)
            .OrderBy(m => m.Sequence).ToListAsync(cancellationToken);
        var transcript = new Transcript(conversation.Id, conversation.BotId, conversation.FlowVersion,
            conversation.Channel, conversation.ExternalUserId, conversation.EndReason, conversation.CreatedAt,
            conversation.EndedAt, [.. messages.Select(MessageResponse.From)]);
        var text = new StringBuilder();
        foreach (var message in messages.Where(m => m.Text is not null))
        {
            text.Append(message.Text).Append('\n');
        }

        var ids = new ArchivedMessage(conversation.TeamId, Guid.Empty, conversation.Id, Channel.Chat,
            conversation.ExternalUserId, "application/json")
        {
            CommunicationId = conversation.BotId,
            CommunicationVersion = conversation.FlowVersion,
            Text = text.ToString(),
            Alone = true,
        };
        await archive.KeepAsync(ids, JsonSerializer.SerializeToUtf8Bytes(transcript, ChatFlows.Json),
            cancellationToken);
    }
}
