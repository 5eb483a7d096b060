using System.Text;
using Communique.Auth;
using Communique.Data;
using Communique.Email;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Chat.Sms;

// Where Twilio posts the messages people send to a team's number (Public API, signed instead of signed in):
// POST /public/chat/sms/{key}, a form (From, To, Body, MessageSid, AccountSid, …) signed in X-Twilio-Signature with
// the team's auth token over the URL Twilio requested: Mail:PublicBaseUrl's when the server has one (behind a proxy
// the request's own URL is not the one Twilio saw), else the request's. An unknown key is 404, a missing or wrong
// signature 403, a body over 16 KiB 413 before more is read. The message goes to the sender's open SMS conversation
// with the team (whichever bot it is with) or starts one with the settings' bot; the bot's replies go back through
// the Messages API when the turn is saved, so the answer to Twilio is an empty TwiML <Response/>. A MessageSid
// handled before is answered the same way and changes nothing.
public static class SmsWebhook
{
    public const int MaxBytes = 16 * 1024;
    private const string NoReply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
    // A turn of the same conversation saved meanwhile (the person wrote twice at once) makes the save fail; the
    // message is then read again against the conversation as it now stands.
    private const int TurnAttempts = 3;

    public static RouteGroupBuilder MapSmsWebhook(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/chat/sms").WithTags("SMS").WithGroupName("public").AllowAnonymous();
        group.MapPost("/{key}", Receive).DisableAntiforgery().WithBodyLimit(MaxBytes)
            .WithSummary("Twilio's webhook for a message to the team's number, signed with the team's auth token.");
        return group;
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> Receive(
        string key, HttpRequest request, AppDb db, TenantContext tenant, MasterKey master, ChatRuntime runtime,
        ChatFlowCache flows, IOptions<MailOptions> mail, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var settings = key.Length <= SmsApi.WebhookKeyLength
            ? await db.SmsSettings.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(s => s.WebhookKey == key, cancellationToken)
            : null;
        if (settings is null)
        {
            return Problems.NotFound("SMS webhook");
        }

        if (!request.HasFormContentType)
        {
            return Problems.Invalid("body", "Twilio posts application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var url = mail.Value.PublicBaseUrl is { } publicBase
            ? publicBase.TrimEnd('/') + request.Path + request.QueryString
            : request.GetEncodedUrl();
        var token = Encoding.UTF8.GetString(master.Unseal(settings.SealedAuthToken));
        var parameters = form.Select(f => KeyValuePair.Create(f.Key, f.Value.Select(v => v ?? "").ToArray()));
        if (!TwilioSignature.Matches(request.Headers[TwilioSignature.Header], token, url, parameters))
        {
            return Problems.Forbidden("The request is not signed with the team's Twilio auth token for this URL.");
        }

        var from = form["From"].ToString();
        var sid = form["MessageSid"].ToString();
        if (!SmsSettings.IsPhoneNumber(from))
        {
            return Problems.Invalid("From", "From is the sender's number in E.164 (+ and up to 15 digits).");
        }

        if (sid.Length is 0 or > 64)
        {
            return Problems.Invalid("MessageSid", "MessageSid names the message (up to 64 characters).");
        }

        tenant.EnterTeam(settings.TeamId);
        var text = form["Body"].ToString();
        var message = new Inbound(settings, from, sid,
            text.Length > runtime.Options.MaxMessageChars ? text[..runtime.Options.MaxMessageChars] : text);
        var logger = loggers.CreateLogger(typeof(SmsWebhook));
        for (var attempt = 0; attempt < TurnAttempts; attempt++)
        {
            db.ChangeTracker.Clear();
            if (await HandleAsync(db, runtime, flows, message, logger, cancellationToken))
            {
                return TypedResults.Text(NoReply, "text/xml");
            }
        }

        return ChatApi.Conflict();
    }

    private sealed record Inbound(SmsSettings Settings, string From, string Sid, string Text);

    // False when another turn of the conversation was saved meanwhile and nothing of this one was.
    private static async Task<bool> HandleAsync(
        AppDb db, ChatRuntime runtime, ChatFlowCache flows, Inbound message, ILogger logger, CancellationToken ct)
    {
        if (await db.SmsReceipts.AnyAsync(r => r.MessageSid == message.Sid, ct))
        {
            return true;
        }

        ChatRuntime.Turn? turn = null;
        // A picture alone is only noted: attachments are not read yet, and an empty answer would be a fallback.
        if (!string.IsNullOrWhiteSpace(message.Text))
        {
            try
            {
                turn = await TurnAsync(db, runtime, flows, message, logger, ct);
            }
            catch (ChatTurnException e)
            {
                logger.LogWarning("An SMS to team {Team} was not answered: {Reason}", message.Settings.TeamId,
                    e.Message);
                db.ChangeTracker.Clear();
                turn = null;
            }
        }

        db.SmsReceipts.Add(new SmsReceipt
        {
            TeamId = message.Settings.TeamId, MessageSid = message.Sid, ConversationId = turn?.Conversation.Id,
            ReceivedAt = db.Now,
        });
        if (turn is not null)
        {
            return await runtime.SaveAsync(db, turn, ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Handled meanwhile by Twilio's retry.
        }

        return true;
    }

    // The turn the message makes: in the sender's open SMS conversation, or in a new one with the settings' bot.
    private static async Task<ChatRuntime.Turn?> TurnAsync(
        AppDb db, ChatRuntime runtime, ChatFlowCache flows, Inbound message, ILogger logger, CancellationToken ct)
    {
        var conversation = await db.Conversations
            .Where(c => c.Channel == SmsChannel.ChannelName && c.ExternalUserId == message.From
                && c.State != ConversationState.Ended)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        if (conversation is not null && !await ChatApi.EndIfSilentAsync(db, conversation, flows, runtime, ct))
        {
            return await runtime.ReceiveAsync(db, conversation, message.Text, ct);
        }

        var settings = message.Settings;
        if (await flows.CurrentAsync(db, settings.BotId, ct) is not { } bot)
        {
            logger.LogWarning("An SMS to team {Team} was not answered: its SMS bot {Bot} does not exist.",
                settings.TeamId, settings.BotId);
            return null;
        }

        var started = ChatApi.NewConversation(db, settings.TeamId, settings.BotId, bot.Version,
            SmsChannel.ChannelName, message.From, "{}");
        return await runtime.StartAsync(db, started, message.Text, ct);
    }
}
