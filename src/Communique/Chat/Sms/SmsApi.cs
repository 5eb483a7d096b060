using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Email;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Chat.Sms;

// A team's SMS channel settings, for its administrators: the Twilio account, the number the bots speak from, the bot
// that answers people who write first, and the webhook URL to give Twilio (its key is made with the first settings).
public static class SmsApi
{
    // Base64url of 32 random bytes.
    public const int WebhookKeyLength = 43;
    private const int MinTokenChars = 16;

    public static RouteGroupBuilder MapChatSms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/chat/sms").WithTags("SMS").WithGroupName("chat-channel").RequireTeamCaller();
        group.MapGet("", Get).RequireAccess(Area.TeamAdministration, Access.View)
            .WithSummary("The team's SMS settings and its Twilio webhook URL (the auth token only as its last 4).");
        group.MapPut("", Save).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Set the Twilio account SID, auth token (left out: kept), sender number (E.164) and the bot "
                + "that answers inbound messages.");
        group.MapDelete("", Delete).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Remove the SMS settings: the webhook URL stops working and no SMS is sent.");
        return group;
    }

    private static async Task<Results<Ok<SmsSettingsResponse>, ProblemHttpResult>> Get(
        AppDb db, IOptions<MailOptions> mail, CancellationToken cancellationToken)
    {
        var settings = await db.SmsSettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return settings is null
            ? Problems.NotFound("SMS settings")
            : TypedResults.Ok(SmsSettingsResponse.Of(settings, mail.Value.Link));
    }

    private static async Task<Results<Ok<SmsSettingsResponse>, ValidationProblem>> Save(
        SmsSettingsRequest request, AppDb db, MasterKey master, TenantContext tenant, IOptions<MailOptions> mail,
        CancellationToken cancellationToken)
    {
        var settings = await db.SmsSettings.FirstOrDefaultAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (!SmsSettings.IsAccountSid(request.AccountSid))
        {
            errors["accountSid"] = ["Twilio's account SID: AC and 32 hexadecimal digits."];
        }

        if (request.AuthToken is { } given ? !IsToken(given) : settings is null)
        {
            errors["authToken"] = [$"The account's auth token: {MinTokenChars} to 256 characters, no spaces."];
        }

        if (!SmsSettings.IsPhoneNumber(request.From))
        {
            errors["from"] = ["The Twilio number the bots send from, in E.164 (+ and up to 15 digits)."];
        }

        if (request.BotId is not { } botId || !await db.Communications.AnyAsync(
            c => c.Id == botId && c.Channel == Channel.Chat, cancellationToken))
        {
            errors["botId"] = ["The team's bot (a chat communication) that answers people who write first."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (settings is null)
        {
            settings = new SmsSettings
            {
                TeamId = tenant.TeamId, AccountSid = "", SealedAuthToken = [], AuthTokenEnding = "", From = "",
                WebhookKey = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)),
            };
            db.SmsSettings.Add(settings);
        }

        settings.AccountSid = request.AccountSid!;
        if (request.AuthToken is { } token)
        {
            settings.SealedAuthToken = master.Seal(Encoding.UTF8.GetBytes(token));
            settings.AuthTokenEnding = token[^4..];
        }

        settings.From = request.From!;
        settings.BotId = request.BotId!.Value;
        settings.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SmsSettingsResponse.Of(settings, mail.Value.Link));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        AppDb db, CancellationToken cancellationToken) =>
        await db.SmsSettings.ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : Problems.NotFound("SMS settings");

    private static bool IsToken(string token) =>
        token.Length >= MinTokenChars && token.All(c => c is > ' ' and <= '~');
}
