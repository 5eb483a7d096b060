using System.Text;
using Communique.Auth;
using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat.Sms;

// Carries a saved turn's bot and agent messages to the conversation's phone number (its ExternalUserId), one SMS
// each, in order, from the team's number. A message Twilio refuses, or cannot take after its tries, stops the rest of
// the turn's messages (they would go to the same number) and is recorded twice: a log line with Twilio's status and
// error code (no number, no text), and a system message on the conversation with Twilio's own words, for the agents.
public sealed class SmsChannel(
    IServiceScopeFactory scopes, MasterKey master, TwilioMessages twilio, ILogger<SmsChannel> logger) : IChatChannel
{
    public const string ChannelName = "sms";
    private const int RecordAttempts = 3;

    public string Name => ChannelName;

    public async Task DeliverAsync(
        Conversation conversation, IReadOnlyList<ChatMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(messages);
        // The turn is saved: its messages go out even when the caller hangs up; the tries and their timeouts bound
        // the wait.
        var none = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(conversation.TeamId);
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var settings = await db.SmsSettings.AsNoTracking().FirstOrDefaultAsync(none);
        var to = conversation.ExternalUserId;
        string? failure = null;
        var unsent = messages.Count;
        if (settings is null || !SmsSettings.IsPhoneNumber(to))
        {
            failure = settings is null ? "the team has no SMS settings" : "the conversation has no phone number";
            logger.LogWarning("SMS for conversation {Conversation} not sent: {Reason}.", conversation.Id, failure);
        }
        else
        {
            var account = new TwilioAccount(settings.AccountSid,
                Encoding.UTF8.GetString(master.Unseal(settings.SealedAuthToken)), settings.From);
            foreach (var message in messages)
            {
                var answer = await twilio.SendAsync(account, to!, message.Text ?? "", none);
                if (!answer.Sent)
                {
                    failure = answer.Code is { } code
                        ? $"Twilio error {code}: {answer.Message}"
                        : answer.Message ?? $"Twilio answered {answer.Status}";
                    logger.LogWarning("SMS {Sequence} of conversation {Conversation} not sent: Twilio answered " +
                        "{Status} with error code {Code}.", message.Sequence, conversation.Id, answer.Status,
                        answer.Code);
                    break;
                }

                unsent--;
            }
        }

        if (failure is not null)
        {
            var what = unsent == 1 ? "1 message" : $"{unsent} messages";
            await RecordAsync(scope.ServiceProvider, db, conversation.Id, $"{what} not sent by SMS: {failure}",
                none);
        }
    }

    // A note on the conversation, through the runtime so that listeners see it; it is not the user's or the bot's
    // activity, so the silence timer is left as it was.
    private static async Task RecordAsync(
        IServiceProvider services, AppDb db, Guid conversationId, string text, CancellationToken cancellationToken)
    {
        var runtime = services.GetRequiredService<ChatRuntime>();
        for (var attempt = 0; attempt < RecordAttempts; attempt++)
        {
            db.ChangeTracker.Clear();
            var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId,
                cancellationToken);
            if (conversation is null)
            {
                return;
            }

            var lastActivity = conversation.LastActivityAt;
            var turn = await runtime.OpenAsync(db, conversation, cancellationToken);
            turn.Say(ChatSender.System, text, null);
            turn.Save();
            conversation.LastActivityAt = lastActivity;
            if (await runtime.SaveAsync(db, turn, cancellationToken))
            {
                return;
            }
        }
    }
}
