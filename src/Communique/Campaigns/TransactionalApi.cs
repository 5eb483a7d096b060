using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Deliverability;
using Communique.Http;
using Communique.Jobs;
using Communique.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Campaigns;

// The EngageOne-compatible transactional sends (ENGAGEONE-COMPAT.md): field names and shapes are a contract.
public sealed record TransactionalRequest(
    [property: JsonPropertyName("communication"), MaxLength(200)] string? Communication,
    [property: JsonPropertyName("project"), MaxLength(200)] string? Project,
    [property: JsonPropertyName("dataset")] JsonElement? Dataset,
    [property: JsonPropertyName("email_json_path"), MaxLength(1000)] string? EmailJsonPath,
    [property: JsonPropertyName("sender"), MaxLength(320)] string? Sender,
    [property: JsonPropertyName("sender_name"), MaxLength(200), SingleLine] string? SenderName,
    [property: JsonPropertyName("reply_to"), MaxLength(320)] string? ReplyTo,
    [property: JsonPropertyName("subject"), MaxLength(1000), SingleLine] string? Subject,
    [property: JsonPropertyName("ignore_missing_fields")] bool? IgnoreMissingFields);

public sealed record TransactionalAccepted([property: JsonPropertyName("send_id")] Guid SendId);

public sealed record TransactionalRecipient(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("message_id")] string? MessageId);

public sealed record TransactionalStatus(
    [property: JsonPropertyName("send_id")] Guid SendId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("sent")] int Sent,
    [property: JsonPropertyName("suppressed")] int Suppressed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("recipients")] IReadOnlyList<TransactionalRecipient> Recipients);

public static class TransactionalApi
{
    public static void MapTransactional(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/campaigns").WithTags("Transactional sends").WithGroupName("private").RequireTeamCaller();
        group.MapPost("/v2/{campaignName}/transactional", (string campaignName, HttpRequest http,
                TransactionalRequest request, AppDb db, LiquidTemplates liquid, IOptions<TransactionalOptions> options,
                TimeProvider clock, CancellationToken cancellationToken) =>
                SendAsync(campaignName, http, request, jsonPath: false, db, liquid, options.Value, clock,
                    cancellationToken))
            .RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Send a communication to the records given inline; email_json_path names the field that holds each address.");
        group.MapPost("/{campaignName}/transactional", (string campaignName, HttpRequest http,
                TransactionalRequest request, AppDb db, LiquidTemplates liquid, IOptions<TransactionalOptions> options,
                TimeProvider clock, CancellationToken cancellationToken) =>
                SendAsync(campaignName, http, request, jsonPath: true, db, liquid, options.Value, clock,
                    cancellationToken))
            .RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Version 1: as v2, but email_json_path is a JSONPath over the dataset array, e.g. "
                + "$[*].contact.email.")
            .WithDescription("The JSONPath subset read: $, then [*] (every record) or [n] (one), then .name, "
                + "['name'], [n], [*] or .* steps; each record's address is the first string selected. Filters, "
                + "recursive descent (..), slices and unions are refused with 400. See docs/transactional.md.");
        group.MapGet("/v2/transactional/{sendId:guid}", Status).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("A transactional send's status and its recipients.");
    }

    private static async Task<IResult> SendAsync(
        string campaignName, HttpRequest http, TransactionalRequest request, bool jsonPath, AppDb db, LiquidTemplates liquid,
        TransactionalOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var idempotencyKey = http.Headers["Idempotency-Key"].ToString();
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { campaignName, jsonPath, request }));
        if (idempotencyKey.Length > 0)
        {
            if (idempotencyKey.Length > 255)
            {
                return Problems.Invalid("Idempotency-Key", "At most 255 characters.");
            }

            var since = db.Now - IdempotentRequest.Lifetime;
            var earlier = await db.IdempotentRequests.AsNoTracking()
                .FirstOrDefaultAsync(r => r.Key == idempotencyKey && r.CreatedAt > since, cancellationToken);
            if (earlier is not null)
            {
                return earlier.RequestHash.AsSpan().SequenceEqual(requestHash)
                    ? Results.Text(earlier.Response, "application/json", statusCode: earlier.Status)
                    : Problems.Conflict("This Idempotency-Key was used within the last 24 hours with a different request.");
            }
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Communication))
        {
            errors["communication"] = ["The name of the communication to send."];
        }

        if (string.IsNullOrWhiteSpace(request.Project))
        {
            errors["project"] = ["The name of the project that holds it."];
        }

        if (request.Dataset is not { ValueKind: JsonValueKind.Array } dataset || dataset.GetArrayLength() == 0
            || dataset.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object))
        {
            errors["dataset"] = ["An array of one or more records (JSON objects)."];
        }

        if (string.IsNullOrWhiteSpace(request.EmailJsonPath))
        {
            errors["email_json_path"] = [jsonPath ? "A JSONPath selecting each record's address, e.g. $[*].email." : "The name of the field that holds each record's address."];
        }

        if (string.IsNullOrWhiteSpace(request.Sender))
        {
            errors["sender"] = ["A verified sender address of the team."];
        }

        MailboxAddress? replyTo = null;
        if (request.ReplyTo is not null && !MailboxAddress.TryParse(request.ReplyTo, out replyTo))
        {
            errors["reply_to"] = ["One email address."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var records = request.Dataset!.Value.EnumerateArray().ToList();
        if (records.Count > options.MaxRecords)
        {
            return TypedResults.Problem(
                $"A transactional call takes at most {options.MaxRecords} records; this one has {records.Count}. Send them in several calls, or import them as a data source for a bulk send.",
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

        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Name == request.Project, cancellationToken);
        if (project is null)
        {
            return Problems.NotFound("project");
        }

        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.ProjectId == project.Id && c.Name == request.Communication, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        if (communication.Channel != Channel.Email)
        {
            return Problems.Invalid("communication", "Transactional sends take email communications.");
        }

        if (await CampaignsApi.UnverifiedSenderAsync(db, request.Sender!, cancellationToken) is { } unverified)
        {
            return unverified;
        }

        if (await BounceGuard.IsSuspendedAsync(db, db.Tenant.TeamId, cancellationToken))
        {
            return BounceGuard.Suspended();
        }

        // Every record is rendered once now, so that a record missing a field the communication uses refuses the call.
        var email = JsonSerializer.Deserialize<EmailContent>(communication.Content, JsonSerializerOptions.Web)!;
        if (await Email.Compose.MailAttachments.ProblemAsync(db, email.Attachments, cancellationToken) is { } attachments)
        {
            return Problems.Conflict(attachments);
        }

        if (request.Subject is not null)
        {
            email = email with { Subject = request.Subject };
        }

        var ignoreMissing = request.IgnoreMissingFields ?? false;
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
                var values = Email.Compose.EmailRenderer.FromJson(records[i]);
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

        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.ProjectId == project.Id && c.Name == campaignName, cancellationToken);
        if (campaign is null)
        {
            campaign = new Campaign { ProjectId = project.Id, Name = campaignName, CreatedAt = db.Now };
            db.Campaigns.Add(campaign);
        }

        var send = new CampaignSend
        {
            CampaignId = campaign.Id,
            CommunicationId = communication.Id,
            CommunicationVersion = communication.Version,
            Channel = communication.Channel,
            Kind = SendKind.Transactional,
            Content = communication.Content,
            RecordCount = records.Count,
            AddressField = request.EmailJsonPath!,
            SenderAddress = request.Sender!,
            SenderName = request.SenderName,
            ReplyTo = replyTo?.ToString(),
            SubjectOverride = request.Subject,
            IgnoreMissingFields = ignoreMissing,
            State = SendState.Sending,
            StartedAt = db.Now,
            CreatedAt = db.Now,
        };
        db.CampaignSends.Add(send);
        var invalid = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var message = OutboundMessage.To(send, i, addresses[i], db.Now);
            message.RecordJson = records[i].GetRawText();
            db.OutboundMessages.Add(message);
            invalid += message.State == MessageState.Suppressed ? 1 : 0;
        }

        db.SendStats.Add(new Reporting.SendStats { SendId = send.Id, SuppressedInvalid = invalid });

        var response = new TransactionalAccepted(send.Id);
        if (idempotencyKey.Length > 0)
        {
            db.IdempotentRequests.Add(new IdempotentRequest
            {
                Key = idempotencyKey, RequestHash = requestHash, Status = 200, Response = JsonSerializer.Serialize(response), CreatedAt = db.Now,
            });
        }

        try
        {
            // The messages and the request for the team's delivery commit together.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await Sending.TransactionalDeliveryJob.RequestAsync(db, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two calls raced: for the same campaign name (the other created it) or with the same Idempotency-Key.
            return Problems.Conflict("A concurrent request created the same campaign or used the same Idempotency-Key; send the request again.");
        }

        return TypedResults.Ok(response);
    }

    private static List<string?>? SelectByField(List<JsonElement> records, string field)
    {
        var addresses = records.Select(r => r.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList();
        return records.Any(r => r.TryGetProperty(field, out _)) ? addresses : null;
    }

    private static async Task<IResult> Status(Guid sendId, AppDb db, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sendId && s.Kind == SendKind.Transactional, cancellationToken);
        if (send is null)
        {
            return Problems.NotFound("transactional send");
        }

        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.SendId == sendId).OrderBy(m => m.Position).ToListAsync(cancellationToken);
        int Count(MessageState state) => messages.Count(m => m.State == state);
        var (sent, suppressed, failed) = (Count(MessageState.Sent), Count(MessageState.Suppressed), Count(MessageState.Failed));
        var pending = messages.Count - sent - suppressed - failed;
        // Once nothing is pending, "failed" says that nothing was delivered: every recipient failed or was suppressed
        // (the counts and each recipient's reason say which). Suppressed recipients beside delivered ones are the rules
        // working, as in a bulk send: the send is "sent".
        var started = messages.Any(m => m.Attempts > 0 || m.State == MessageState.Sending);
        var status = pending > 0 ? (started ? "sending" : "queued")
            : sent == 0 ? "failed"
            : failed == 0 ? "sent"
            : "partially_sent";
        return TypedResults.Ok(new TransactionalStatus(send.Id, status, messages.Count, sent, suppressed, failed, messages.Select(m => new TransactionalRecipient(
            m.Address, m.State is MessageState.Sending ? "queued" : WireNames.Of(m.State), m.SuppressionReason ?? (m.State == MessageState.Failed ? m.LastReply : null),
            m.MessageIdHeader is { } id ? $"<{id}>" : null)).ToList()));
    }
}

public sealed class TransactionalOptions
{
    public const string Section = "Transactional";

    // Records one call may carry; larger sets are refused with 413 (import them as a data source instead).
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int MaxRecords { get; set; } = 1000;

    // How long one call may spend rendering its records (each is rendered once to check it); longer is refused with
    // 422. A thousand records of an ordinary template take a fraction of it.
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int RenderSeconds { get; set; } = 2;
}
