using System.Security.Cryptography;
using System.Text.Json;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Communique.Rendering;
using Communique.Senders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using SendResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<Communique.Campaigns.TransactionalAccepted>,
    Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Communique.Campaigns;

public static class TransactionalApi
{
    public static RouteGroupBuilder MapTransactional(this IEndpointRouteBuilder app)
    {
        // The request body is checked by RequestShape in the handler, to name errors by their JSON fields.
        var group = app.MapGroup("/campaigns").WithTags("Transactional sends").WithGroupName("private")
            .RequireTeamCaller().DisableValidation();
        group.MapPost("/v2/{campaignName}/transactional", (string campaignName, HttpRequest http,
                TransactionalRequest request, AppDb db, LiquidTemplates liquid, IOptions<TransactionalOptions> options,
                TimeProvider clock, TransactionalIntake intake, CancellationToken cancellationToken) =>
                SendAsync(campaignName, http, request, jsonPath: false, db, liquid, options.Value, clock, intake,
                    cancellationToken))
            .RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Send a communication to the records given inline; email_json_path names the field that "
                + "holds each address.");
        group.MapPost("/{campaignName}/transactional", (string campaignName, HttpRequest http,
                TransactionalRequest request, AppDb db, LiquidTemplates liquid, IOptions<TransactionalOptions> options,
                TimeProvider clock, TransactionalIntake intake, CancellationToken cancellationToken) =>
                SendAsync(campaignName, http, request, jsonPath: true, db, liquid, options.Value, clock, intake,
                    cancellationToken))
            .RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Version 1: as v2, but email_json_path is a JSONPath over the dataset array, e.g. "
                + "$[*].contact.email.")
            .WithDescription("The JSONPath subset read: $, then [*] (every record) or [n] (one), then .name, "
                + "['name'], [n], [*] or .* steps; each record's address is the first string selected. Filters, "
                + "recursive descent (..), slices and unions are refused with 400. See docs/transactional.md.");
        group.MapGet("/v2/transactional/{sendId:guid}", Status).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("A transactional send's status and its recipients.");
        return group;
    }

    private static async Task<SendResult> SendAsync(
        string campaignName, HttpRequest http, TransactionalRequest request, bool jsonPath, AppDb db,
        LiquidTemplates liquid, TransactionalOptions options, TimeProvider clock, TransactionalIntake intake,
        CancellationToken cancellationToken)
    {
        var idempotencyKey = http.Headers["Idempotency-Key"].ToString();
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { campaignName, jsonPath, request }));
        switch (await IdempotentRequest.EarlierAsync(db, idempotencyKey, requestHash, cancellationToken))
        {
            case ValidationProblem invalidKey:
                return invalidKey;
            case ContentHttpResult replay:
                return replay;
            case ProblemHttpResult conflict:
                return conflict;
        }

        if (Validate(request, jsonPath, http.HttpContext.RequestServices, options, cancellationToken, out var call)
            is { } invalid)
        {
            return invalid;
        }

        var target = await TransactionalTarget.FindAsync(
            db, request.Project!, request.Communication!, campaignName, request.Sender!, cancellationToken);
        if (target is null)
        {
            return Problems.NotFound("project");
        }

        if (target.CommunicationId is not { } communicationId)
        {
            return Problems.NotFound("communication");
        }

        if (target.Channel != Channel.Email)
        {
            return Problems.Invalid("communication", "Transactional sends take email communications.");
        }

        // The refusal is rare: its problem is built where the sender rule lives, at the cost of asking again.
        if (!target.SenderVerified
            && await VerifiedSenders.RefusalAsync(db, request.Sender!, cancellationToken) is { } unverified)
        {
            return unverified;
        }

        if (target.Suspended)
        {
            return SendingSuspension.Suspended();
        }

        var email = JsonSerializer.Deserialize<EmailContent>(target.Content!, JsonSerializerOptions.Web)!;
        if (await Email.Compose.MailAttachments.ProblemAsync(db, email.Attachments, cancellationToken)
            is { } attachments)
        {
            return Problems.Conflict(attachments);
        }

        if (request.Subject is not null)
        {
            email = email with { Subject = request.Subject };
        }

        var ignoreMissing = request.IgnoreMissingFields ?? false;
        if (await CheckRendersAsync(liquid, email, call.Records, ignoreMissing, options, clock, cancellationToken)
            is { } unrenderable)
        {
            return unrenderable;
        }

        var team = db.Tenant.TeamId;
        var newCampaign = target.CampaignId is null
            ? new Campaign { TeamId = team, ProjectId = target.ProjectId, Name = campaignName, CreatedAt = db.Now }
            : null;
        var send = new CampaignSend
        {
            TeamId = team,
            CampaignId = target.CampaignId ?? newCampaign!.Id,
            CommunicationId = communicationId,
            CommunicationVersion = target.CommunicationVersion!.Value,
            Channel = Channel.Email,
            Kind = SendKind.Transactional,
            Content = target.Content!,
            RecordCount = call.Records.Count,
            AddressField = request.EmailJsonPath!,
            SenderAddress = request.Sender!,
            SenderName = request.SenderName,
            ReplyTo = call.ReplyTo?.ToString(),
            SubjectOverride = request.Subject,
            IgnoreMissingFields = ignoreMissing,
            State = SendState.Sending,
            StartedAt = db.Now,
            CreatedAt = db.Now,
        };
        return await StoreAsync(
            http, db, intake, newCampaign, send, call, (idempotencyKey, requestHash), cancellationToken);
    }

    // The records and their addresses, read from a request whose shape is right.
    private sealed record CheckedCall(List<JsonElement> Records, List<string?> Addresses, MailboxAddress? ReplyTo);

    // The request's shape (the rules its record declares) and the addresses it selects: all that is checked without
    // the database.
    private static SendResult? Validate(
        TransactionalRequest request, bool jsonPath, IServiceProvider services, TransactionalOptions options,
        CancellationToken cancellationToken, out CheckedCall call)
    {
        call = null!;
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var records = request.Dataset!.Value.EnumerateArray().ToList();
        if (records.Count > options.MaxRecords)
        {
            return TypedResults.Problem(
                $"A transactional call takes at most {options.MaxRecords} records; this one has {records.Count}. "
                + "Send them in several calls, or import them as a data source for a bulk send.",
                statusCode: 413, title: "Too many records", type: ProblemTypes.PayloadTooLarge);
        }

        List<string?>? addresses;
        if (jsonPath)
        {
            if (!AddressPath.TryParse(request.EmailJsonPath!, out var path, out var pathError))
            {
                return Problems.Invalid(
                    "email_json_path", $"{pathError} See docs/transactional.md for the JSONPath read here.");
            }

            addresses = path!.Select(records, cancellationToken);
        }
        else
        {
            addresses = SelectByField(records, request.EmailJsonPath!);
        }

        if (addresses is null)
        {
            return Problems.Invalid("email_json_path", jsonPath
                ? $"'{request.EmailJsonPath}' selects no address in the dataset."
                : $"No record has a field '{request.EmailJsonPath}'.");
        }

        var replyTo = request.ReplyTo is null ? null : MailboxAddress.Parse(request.ReplyTo);
        call = new CheckedCall(records, addresses, replyTo);
        return null;
    }

    // Every record is rendered once while the call waits, so that a record missing a field the communication uses
    // refuses the call.
    private static async Task<SendResult?> CheckRendersAsync(
        LiquidTemplates liquid, EmailContent email, List<JsonElement> records, bool ignoreMissing,
        TransactionalOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var culture = System.Globalization.CultureInfo.GetCultureInfo("en-US");
        var noFormats = new Dictionary<string, FieldFormat>();
        // Each render is bounded on its own; the budget bounds them all, so that no call costs more than that much CPU
        // however many records and however heavy the template. The request's token stops them when the client leaves.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.RenderSeconds), clock);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            for (var i = 0; i < records.Count; i++)
            {
                work.Token.ThrowIfCancellationRequested();
                var values = InlineRecord.Values(records[i]);
                values[Email.Compose.MessageLinks.UnsubscribeField] = "";
                var (_, failure, part) = await Email.Compose.EmailRenderer.RenderAsync(
                    liquid, email, values, culture, noFormats, ignoreMissing, work.Token);
                if (failure is not null)
                {
                    return failure.Kind == RenderFailureKind.MissingField
                        ? Problems.Invalid($"dataset[{i}].{failure.Field}",
                            $"Record {i} has no field '{failure.Field}', which the {part} uses.")
                        : TypedResults.Problem($"The {part} could not be rendered for record {i}: {failure.Message}",
                            statusCode: 422, title: "Rendering failed", type: ProblemTypes.RenderFailed);
                }
            }
        }
        catch (OperationCanceledException)
            when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(
                $"Rendering the records took longer than {options.RenderSeconds} s, the limit of one call. Send fewer "
                + "records per call, or import them as a data source for a bulk send.",
                statusCode: 422, title: "Too complex", type: ProblemTypes.TooComplex);
        }

        return null;
    }

    // The send, its messages and the request for the team's delivery, committed together with the calls beside
    // this one; the campaign is made by the first call that names it.
    private static async Task<SendResult> StoreAsync(
        HttpRequest http, AppDb db, TransactionalIntake intake, Campaign? newCampaign, CampaignSend send,
        CheckedCall call, (string Key, byte[] RequestHash) idempotency, CancellationToken cancellationToken)
    {
        var team = send.TeamId;
        var messages = new List<OutboundMessage>(call.Records.Count);
        var invalid = 0;
        for (var i = 0; i < call.Records.Count; i++)
        {
            var message = OutboundMessage.To(send, i, call.Addresses[i], db.Now);
            message.RecordJson = call.Records[i].GetRawText();
            messages.Add(message);
            invalid += message.State == MessageState.Suppressed ? 1 : 0;
        }

        var stats = new SendStats { SendId = send.Id, TeamId = team, SuppressedInvalid = invalid };
        var response = new TransactionalAccepted(send.Id);
        var idempotent = idempotency.Key.Length == 0 ? null : new IdempotentRequest
        {
            TeamId = team, Key = idempotency.Key, RequestHash = idempotency.RequestHash, Status = 200,
            Response = JsonSerializer.Serialize(response), CreatedAt = db.Now,
        };
        var accepted = new AcceptedCall(newCampaign, send, messages, stats, idempotent, cancellationToken);
        return await intake.StoreAsync(accepted, cancellationToken) switch
        {
            IntakeOutcome.Stored => TypedResults.Ok(response),
            // Two calls raced with the same Idempotency-Key.
            IntakeOutcome.KeyTaken => Problems.Conflict(
                "A concurrent request used the same Idempotency-Key; send the request again."),
            _ => Problems.Stopping(http.HttpContext.Response),
        };
    }

    private static List<string?>? SelectByField(List<JsonElement> records, string field)
    {
        var addresses = records.Select(r =>
            r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList();
        return records.Any(r => r.TryGetProperty(field, out _)) ? addresses : null;
    }

    private static async Task<Results<Ok<TransactionalStatus>, ProblemHttpResult>> Status(
        Guid sendId, AppDb db, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == sendId && s.Kind == SendKind.Transactional, cancellationToken);
        if (send is null)
        {
            return Problems.NotFound("transactional send");
        }

        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.SendId == sendId).OrderBy(m => m.Position)
            .ToListAsync(cancellationToken);
        int Count(MessageState state) => messages.Count(m => m.State == state);
        var (sent, suppressed, failed) =
            (Count(MessageState.Sent), Count(MessageState.Suppressed), Count(MessageState.Failed));
        var pending = messages.Count - sent - suppressed - failed;
        // Once nothing is pending, "failed" says that nothing was delivered: every recipient failed or was suppressed
        // (the counts and each recipient's reason say which). Suppressed recipients beside delivered ones are the rules
        // working, as in a bulk send: the send is "sent".
        var started = messages.Any(m => m.Attempts > 0 || m.State == MessageState.Sending);
        var status = pending > 0 ? (started ? "sending" : "queued")
            : sent == 0 ? "failed"
            : failed == 0 ? "sent"
            : "partially_sent";
        var recipients = messages.Select(m => new TransactionalRecipient(
            m.Address, m.State is MessageState.Sending ? "queued" : WireNames.Of(m.State),
            m.SuppressionReason ?? (m.State == MessageState.Failed ? m.LastReply : null),
            m.MessageIdHeader is { } id ? $"<{id}>" : null)).ToList();
        return TypedResults.Ok(
            new TransactionalStatus(send.Id, status, messages.Count, sent, suppressed, failed, recipients));
    }
}
