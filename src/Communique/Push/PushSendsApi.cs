using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Communique.Auth;
using Communique.Campaigns;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.DataSources.Import;
using Communique.Http;
using Communique.Jobs;
using Communique.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// Sending push communications: a campaign's send to every subscription, a segment or a data source's users (a bulk
// send on the delivery loop, paused, resumed and cancelled as any other at /campaigns/sends/{id}), a transactional
// call to users by id (all their subscriptions, written with the email calls' group commit), a send's push report,
// and a communication's preview.
public static class PushSendsApi
{
    public static RouteGroupBuilder MapPushSends(this IEndpointRouteBuilder app)
    {
        // Bodies are checked by RequestShape in the handlers, to name errors by their JSON fields.
        var group = app.MapGroup("/push").WithTags("Push sends").WithGroupName("push-notification")
            .RequireTeamCaller().DisableValidation();
        group.MapPost("/campaigns/{id:guid}/sends", StartSend).RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Send a push communication to every subscription (audience \"all\"), a segment "
                + "(attributes) or the users of a data source (dataSourceId and userIdField).");
        group.MapPost("/transactional", SendNow).RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Send a push communication to users by id, each with its own data, on all their "
                + "subscriptions; an Idempotency-Key makes a retried call send nothing twice.");
        group.MapGet("/sends/{sendId:guid}/report", Report).RequireAccess(Area.Reporting, Access.View)
            .WithSummary("A push send's numbers: delivered to push services, displayed, clicked, expired "
                + "subscriptions removed, failed and suppressed.");
        group.MapPost("/communications/{id:guid}/preview", Preview).RequireAccess(Area.Communications, Access.View)
            .WithSummary("A push communication rendered with the data given, as a browser would receive it.");
        return group;
    }

    public sealed record PushSendRequest(
        Guid? CommunicationId, [property: MaxLength(16)] string? Audience,
        [property: MaxLength(PushSegments.MaxConditions), EachMaxLength(PushTag.MaxValueLength)]
        Dictionary<string, string>? Attributes,
        Guid? DataSourceId, [property: MaxLength(200)] string? UserIdField, DateTime? ScheduleAt,
        bool? IgnoreMissingFields);

    public sealed record PushRecipient(
        [property: MaxLength(PushSubscription.MaxUserIdLength)] string? UserId, JsonElement? Data);

    // Recipients: at most Transactional:MaxRecords, checked by the handler; the attribute bounds what is read at all.
    public sealed record PushTransactionalRequest(
        [property: MaxLength(200)] string? Project, [property: MaxLength(200)] string? Campaign,
        [property: MaxLength(200)] string? Communication,
        [property: MaxLength(100_000)] IReadOnlyList<PushRecipient>? Recipients, bool? IgnoreMissingFields);

    public sealed record PushTransactionalResponse(Guid SendId, int Messages, int UsersWithoutSubscription);

    public sealed record PushReport(
        Guid SendId, string State, long Messages, long Queued, long Delivered, long Displayed, long Clicked,
        long Failed, long ExpiredSubscriptionsRemoved, long SuppressedOptedOut, long SuppressedNoSubscription,
        string? Error);

    public sealed record PreviewRequest(JsonElement? Data, [property: MaxLength(8)] string? Platform);

    public sealed record PreviewResponse(PreviewNotification Notification, int PayloadBytes, int MaxPayloadBytes);

    // A rendered notification as the API shows it: the time to live in seconds and the urgency by its RFC 8030 name.
    public sealed record PreviewNotification(
        string Title, string? Body, string? Icon, string? Image, string? Badge, string? Url,
        IReadOnlyList<PushAction> Actions, IReadOnlyDictionary<string, string> Data, long TimeToLive, string Urgency,
        string? Topic, System.Text.Json.Nodes.JsonObject? Override)
    {
        public static PreviewNotification From(PushNotification n) => new(
            n.Title, n.Body, n.Icon, n.Image, n.Badge, n.Url, n.Actions, n.Data, (long)n.TimeToLive.TotalSeconds,
            WireNames.Of(n.Urgency), n.Topic, n.Override);
    }

    private static async Task<Results<Accepted<SendResponse>, ValidationProblem, ProblemHttpResult>> StartSend(
        Guid id, PushSendRequest request, AppDb db, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("campaign");
        }

        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == request.CommunicationId, cancellationToken);
        if (communication is null || communication.Channel != Channel.Push)
        {
            return Problems.NotFound("push communication");
        }

        var audiences = (request.Audience is not null ? 1 : 0) + (request.Attributes is not null ? 1 : 0)
            + (request.DataSourceId is not null ? 1 : 0);
        if (audiences != 1 || request.Audience is not (null or "all"))
        {
            return Problems.Invalid("audience", "One of: audience \"all\", attributes (a segment: name and value "
                + "each subscription must have), or dataSourceId with userIdField.");
        }

        if (request.ScheduleAt is { } at && at.ToUniversalTime() <= db.Now)
        {
            return Problems.Invalid("scheduleAt", "A time in the future (UTC), or none to send now.");
        }

        var send = new CampaignSend
        {
            CampaignId = id, CommunicationId = communication.Id, CommunicationVersion = communication.Version,
            Channel = Channel.Push, Kind = SendKind.Bulk, Content = communication.Content, AddressField = "",
            SenderAddress = "", IgnoreMissingFields = request.IgnoreMissingFields ?? false, CreatedAt = db.Now,
        };
        if (request.DataSourceId is { } sourceId)
        {
            var source = await db.DataSources.AsNoTracking().FirstOrDefaultAsync(d => d.Id == sourceId,
                cancellationToken);
            if (source is null)
            {
                return Problems.NotFound("data source");
            }

            if (source.Generation == 0)
            {
                return Problems.Conflict("The data source has no records yet: its first import has not finished.");
            }

            var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
            if (!schema.Any(f => f.Name == request.UserIdField && f.Items is null))
            {
                return Problems.Invalid("userIdField", $"The data source has no field '{request.UserIdField}'. Its "
                    + $"fields: {string.Join(", ", schema.Where(f => f.Items is null).Select(f => f.Name))}.");
            }

            (send.DataSourceId, send.DataSourceGeneration, send.RecordCount, send.AddressField) =
                (source.Id, source.Generation, source.RecordCount, request.UserIdField!);
        }
        else
        {
            var attributes = request.Attributes ?? new Dictionary<string, string>();
            if (!PushSegments.Check(attributes, out var error))
            {
                return Problems.Invalid("attributes", error!);
            }

            send.Audience = JsonSerializer.Serialize(new PushAudience.Segment(attributes), JsonSerializerOptions.Web);
            send.RecordCount = await PushSegments.Members(db, attributes, null).LongCountAsync(cancellationToken);
        }

        var scheduled = request.ScheduleAt?.ToUniversalTime();
        (send.State, send.ScheduledAt, send.StartedAt) = scheduled is null
            ? (SendState.Sending, null, db.Now)
            : (SendState.Scheduled, scheduled, (DateTime?)null);
        db.CampaignSends.Add(send);
        db.EnqueueJob(SendJobs.BulkSend, new SendJobs.BulkSendPayload(send.Id), maxAttempts: 10, runAfter: scheduled);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted(
            $"/campaigns/sends/{send.Id}", await CampaignsApi.ResponseAsync(db, send, cancellationToken));
    }

    private static async Task<IResult> SendNow(
        PushTransactionalRequest request, HttpRequest http, AppDb db, LiquidTemplates liquid,
        IOptions<TransactionalOptions> options, TransactionalIntake intake, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var idempotencyKey = http.Headers["Idempotency-Key"].ToString();
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { push = true, request }));
        if (await IdempotentRequest.EarlierAsync(db, idempotencyKey, requestHash, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var recipients = request.Recipients ?? [];
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new[]
                 {
                     ("project", request.Project), ("campaign", request.Campaign),
                     ("communication", request.Communication),
                 })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
            {
                errors[field] = [$"The {field}'s name: 1 to 200 characters."];
            }
        }

        if (recipients.Count == 0 || recipients.Count > options.Value.MaxRecords)
        {
            errors["recipients"] = [$"1 to {options.Value.MaxRecords} recipients."];
        }

        for (var i = 0; i < Math.Min(recipients.Count, options.Value.MaxRecords); i++)
        {
            if (recipients[i]?.UserId is not { Length: > 0 and <= PushSubscription.MaxUserIdLength })
            {
                errors[$"recipients[{i}].userId"] = [$"A user id of 1 to {PushSubscription.MaxUserIdLength} "
                    + "characters."];
            }
            else if (recipients[i].Data is { } data && data.ValueKind is not (JsonValueKind.Object
                         or JsonValueKind.Null))
            {
                errors[$"recipients[{i}].data"] = ["An object of the fields the communication uses."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var target = await TransactionalTarget.FindAsync(
            db, request.Project!, request.Communication!, request.Campaign!, "", cancellationToken);
        if (target is null)
        {
            return Problems.NotFound("project");
        }

        if (target.CommunicationId is not { } communicationId || target.Channel != Channel.Push)
        {
            return Problems.NotFound("push communication");
        }

        var content = PushContent.Parse(target.Content!);
        var ignoreMissing = request.IgnoreMissingFields ?? false;
        var records = recipients.Select(r => r.Data is { ValueKind: JsonValueKind.Object } data
            ? InlineRecord.Values(data)
            : new Dictionary<string, object?>(StringComparer.Ordinal)).ToList();
        if (await CheckRendersAsync(liquid, content, recipients, records, ignoreMissing, cancellationToken)
            is { } unrenderable)
        {
            return unrenderable;
        }

        var users = recipients.Select(r => r.UserId!).Distinct().ToList();
        var subscriptions = (await db.PushSubscriptions.AsNoTracking().Where(s => users.Contains(s.UserId))
                .Select(s => new { s.Id, s.UserId }).ToListAsync(cancellationToken))
            .ToLookup(s => s.UserId, s => s.Id, StringComparer.Ordinal);
        var team = db.Tenant.TeamId;
        var newCampaign = target.CampaignId is null
            ? new Campaign { TeamId = team, ProjectId = target.ProjectId, Name = request.Campaign!, CreatedAt = db.Now }
            : null;
        var send = new CampaignSend
        {
            TeamId = team, CampaignId = target.CampaignId ?? newCampaign!.Id, CommunicationId = communicationId,
            CommunicationVersion = target.CommunicationVersion!.Value, Channel = Channel.Push,
            Kind = SendKind.Transactional, Content = target.Content!, RecordCount = recipients.Count,
            AddressField = "userId", SenderAddress = "", IgnoreMissingFields = ignoreMissing,
            State = SendState.Sending, StartedAt = db.Now, CreatedAt = db.Now,
        };
        var messages = new List<OutboundMessage>();
        var without = 0;
        for (var i = 0; i < recipients.Count; i++)
        {
            var user = recipients[i].UserId!;
            var json = recipients[i].Data is { ValueKind: JsonValueKind.Object } data ? data.GetRawText() : "{}";
            var ids = subscriptions[user].ToList();
            if (ids.Count == 0)
            {
                without++;
                messages.Add(PushAudience.Suppressed(send, i, null, user, db.Now));
            }

            foreach (var id in ids)
            {
                var message = PushAudience.To(send, i, null, user, id, db.Now);
                message.RecordJson = json;
                messages.Add(message);
            }
        }

        var stats = new SendStats { SendId = send.Id, TeamId = team, SuppressedInvalid = without };
        var response = new PushTransactionalResponse(send.Id, messages.Count - without, without);
        var idempotent = idempotencyKey.Length == 0 ? null : new IdempotentRequest
        {
            TeamId = team, Key = idempotencyKey, RequestHash = requestHash, Status = 200,
            Response = JsonSerializer.Serialize(response, JsonSerializerOptions.Web), CreatedAt = db.Now,
        };
        var accepted = new AcceptedCall(newCampaign, send, messages, stats, idempotent, cancellationToken);
        return await intake.StoreAsync(accepted, cancellationToken) switch
        {
            IntakeOutcome.Stored => TypedResults.Ok(response),
            IntakeOutcome.KeyTaken => Problems.Conflict(
                "A concurrent request used the same Idempotency-Key; send the request again."),
            _ => Problems.Stopping(http.HttpContext.Response),
        };
    }

    // Each recipient's data is rendered once while the call waits, so that a record missing a field the message uses
    // refuses the call, and a message that would be too large is refused before anything is stored.
    private static async Task<IResult?> CheckRendersAsync(
        LiquidTemplates liquid, PushContent content, IReadOnlyList<PushRecipient> recipients,
        List<Dictionary<string, object?>> records, bool ignoreMissing, CancellationToken cancellationToken)
    {
        var options = new RenderOptions
        {
            Culture = CultureInfo.GetCultureInfo("en-US"), IgnoreMissingFields = ignoreMissing,
            MaxOutputChars = PushContents.MaxPayloadBytes,
        };
        for (var i = 0; i < records.Count; i++)
        {
            var record = new Dictionary<string, object?>(records[i], StringComparer.Ordinal)
            {
                [PushRenderer.UserIdField] = recipients[i].UserId,
            };
            var (notification, failure) = await PushRendering.RenderAsync(
                liquid, content, record, options, cancellationToken);
            if (notification is null)
            {
                return TypedResults.Problem($"Recipient {i}'s message could not be rendered: {failure}",
                    statusCode: 422, title: "Rendering failed", type: ProblemTypes.RenderFailed);
            }

            var bytes = PushPayloads.Web(notification with { Override = content.Web }, Guid.Empty, "", "").Length
                + PushContents.Envelope;
            if (bytes > PushContents.MaxPayloadBytes)
            {
                return Problems.Invalid($"recipients[{i}].data", $"The message would be {bytes} bytes; a push "
                    + $"service must take {PushContents.MaxPayloadBytes} (4096 once encrypted).");
            }
        }

        return null;
    }

    private static async Task<Results<Ok<PushReport>, ProblemHttpResult>> Report(
        Guid sendId, AppDb db, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == sendId && s.Channel == Channel.Push, cancellationToken);
        if (send is null)
        {
            return Problems.NotFound("push send");
        }

        var stats = await db.SendStats.AsNoTracking().FirstOrDefaultAsync(s => s.SendId == sendId, cancellationToken)
            ?? new SendStats { SendId = sendId };
        var messages = await db.OutboundMessages.LongCountAsync(m => m.SendId == sendId, cancellationToken);
        var queued = await db.OutboundMessages.LongCountAsync(
            m => m.SendId == sendId && (m.State == MessageState.Queued || m.State == MessageState.Sending),
            cancellationToken);
        return TypedResults.Ok(new PushReport(
            send.Id, WireNames.Of(send.State), messages, queued, stats.Sent, stats.UniqueOpens, stats.UniqueClicks,
            stats.Failed, stats.RefusedHard, stats.SuppressedUnsubscribed, stats.SuppressedInvalid, send.Error));
    }

    private static async Task<Results<Ok<PreviewResponse>, ValidationProblem, ProblemHttpResult>> Preview(
        Guid id, PreviewRequest request, AppDb db, LiquidTemplates liquid, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id && c.Channel == Channel.Push, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("push communication");
        }

        if (request.Data is { } given && given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return Problems.Invalid("data", "An object of the fields the communication uses.");
        }

        var platform = PushPlatform.Web;
        if (request.Platform is not null && !WireNames.TryParse(request.Platform, out platform))
        {
            return Problems.Invalid("platform", "web, fcm or apns.");
        }

        var content = PushContent.Parse(communication.Content);
        var record = request.Data is { ValueKind: JsonValueKind.Object } data
            ? InlineRecord.Values(data)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        var options = new RenderOptions
        {
            Culture = CultureInfo.GetCultureInfo("en-US"), MaxOutputChars = PushContents.MaxPayloadBytes,
        };
        var (notification, failure) = await PushRendering.RenderAsync(
            liquid, content, record, options, cancellationToken);
        if (notification is null)
        {
            return TypedResults.Problem($"The message could not be rendered: {failure}", statusCode: 422,
                title: "Rendering failed", type: ProblemTypes.RenderFailed);
        }

        notification = notification with
        {
            Override = platform switch
            {
                PushPlatform.Fcm => content.Fcm,
                PushPlatform.Apns => content.Apns,
                _ => content.Web,
            },
        };
        var bytes = PushPayloads.Web(notification, Guid.Empty, "", "").Length + PushContents.Envelope;
        return TypedResults.Ok(
            new PreviewResponse(PreviewNotification.From(notification), bytes, PushContents.MaxPayloadBytes));
    }
}
