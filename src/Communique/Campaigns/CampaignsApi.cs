using System.Text.Json;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Email.Compose;
using Communique.DataSources;
using Communique.Http;
using Communique.Jobs;
using Communique.Senders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Communique.Campaigns;

public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/campaigns").WithTags("Campaigns").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Campaigns, Access.View).WithSummary("The team's campaigns.");
        // The request bodies are checked by RequestShape in the handlers, to name errors by their JSON fields.
        group.MapPost("", Create).RequireAccess(Area.Campaigns, Access.Edit).DisableValidation()
            .WithSummary("Create a campaign in a project.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("A campaign with its sends and their progress.");
        group.MapPost("/{id:guid}/sends", StartSend).RequireAccess(Area.Campaigns, Access.Edit).DisableValidation()
            .WithSummary("Send an email communication to the records of a data source, now or at a scheduled time.");
        group.MapGet("/sends/{sendId:guid}", GetSend).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("One send and its live progress.");
        group.MapPost("/sends/{sendId:guid}/pause", Pause).RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Pause a scheduled or running send.");
        group.MapPost("/sends/{sendId:guid}/resume", Resume).RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Resume a paused send.");
        group.MapPost("/sends/{sendId:guid}/cancel", Cancel).RequireAccess(Area.Campaigns, Access.Edit)
            .WithSummary("Cancel a send: messages not yet handed to the mail server are not sent.");
        group.MapGet("/sends/{sendId:guid}/messages", Messages).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("The send's messages: state, attempts, the mail server's last reply, Message-ID.");
        return group;
    }

    private static async Task<Results<Ok<Page<CampaignResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.Campaigns.AsNoTracking().Where(c => after == null || c.Id.CompareTo(after.Value) > 0)
            .OrderBy(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        var page = rows.Select(c => new CampaignResponse(c.Id, c.ProjectId, c.Name, c.CreatedAt)).ToList();
        return TypedResults.Ok(Paging.Build(page, take, c => c.Id));
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CampaignRequest request, AppDb db, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var projectId = request.ProjectId!.Value;
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            return Problems.NotFound("project");
        }

        var campaign = new Campaign { ProjectId = projectId, Name = request.Name!.Trim(), CreatedAt = db.Now };
        db.Campaigns.Add(campaign);
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            return Problems.Conflict(
                $"The project already has a campaign named '{campaign.Name}'; add a send to it instead.");
        }

        return TypedResults.Created($"/campaigns/{campaign.Id}",
            new CampaignResponse(campaign.Id, campaign.ProjectId, campaign.Name, campaign.CreatedAt, []));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("campaign");
        }

        var sends = await db.CampaignSends.AsNoTracking().Where(s => s.CampaignId == id).OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var responses = new List<SendResponse>();
        foreach (var send in sends)
        {
            responses.Add(await ResponseAsync(db, send, cancellationToken));
        }

        return TypedResults.Ok(
            new CampaignResponse(campaign.Id, campaign.ProjectId, campaign.Name, campaign.CreatedAt, responses));
    }

    private static async Task<Results<Accepted<SendResponse>, ValidationProblem, ProblemHttpResult>> StartSend(
        Guid id, SendRequest request, AppDb db, IChannelAvailability channels, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("campaign");
        }

        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == request.CommunicationId, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        if (!channels.Has(communication.Channel))
        {
            return IChannelAvailability.NotAvailable(communication.Channel);
        }

        var source = await db.DataSources.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == request.DataSourceId, cancellationToken);
        if (source is null)
        {
            return Problems.NotFound("data source");
        }

        if (source.Generation == 0)
        {
            return Problems.Conflict("The data source has no records yet: its first import has not finished.");
        }

        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        if (!schema.Any(f => f.Name == request.AddressField && f.Items is null))
        {
            return Problems.Invalid("addressField",
                $"The data source has no field '{request.AddressField}'. Its fields: "
                + $"{string.Join(", ", schema.Where(f => f.Items is null).Select(f => f.Name))}.");
        }

        if (await VerifiedSenders.RefusalAsync(db, request.Sender!, cancellationToken) is { } unverified)
        {
            return unverified;
        }

        if (await SendingSuspension.IsSuspendedAsync(db, db.Tenant.TeamId, cancellationToken))
        {
            return SendingSuspension.Suspended();
        }

        var content = JsonSerializer.Deserialize<EmailContent>(communication.Content, JsonSerializerOptions.Web)!;
        if (await MailAttachments.ProblemAsync(db, content.Attachments, cancellationToken) is { } attachments)
        {
            return Problems.Conflict(attachments);
        }

        var scheduled = request.ScheduleAt?.ToUniversalTime();
        var send = new CampaignSend
        {
            CampaignId = id,
            CommunicationId = communication.Id,
            CommunicationVersion = communication.Version,
            Channel = communication.Channel,
            Content = communication.Content,
            DataSourceId = source.Id,
            DataSourceGeneration = source.Generation,
            RecordCount = source.RecordCount,
            AddressField = request.AddressField!,
            SenderAddress = request.Sender!,
            SenderName = request.SenderName,
            ReplyTo = request.ReplyTo is null ? null : MailboxAddress.Parse(request.ReplyTo).ToString(),
            SubjectOverride = request.Subject,
            Tracking = request.Tracking ?? true,
            State = scheduled is null ? SendState.Sending : SendState.Scheduled,
            ScheduledAt = scheduled,
            StartedAt = scheduled is null ? db.Now : null,
            CreatedAt = db.Now,
        };
        db.CampaignSends.Add(send);
        db.EnqueueJob(SendJobs.BulkSend, new SendJobs.BulkSendPayload(send.Id), maxAttempts: 10, runAfter: scheduled);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/campaigns/sends/{send.Id}", await ResponseAsync(db, send, cancellationToken));
    }

    private static async Task<Results<Ok<SendResponse>, ProblemHttpResult>> GetSend(
        Guid sendId, AppDb db, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sendId, cancellationToken);
        return send is null
            ? Problems.NotFound("send")
            : TypedResults.Ok(await ResponseAsync(db, send, cancellationToken));
    }

    private static Task<Results<Ok<SendResponse>, ProblemHttpResult>> Pause(
        Guid sendId, AppDb db, CancellationToken cancellationToken) =>
        MoveAsync(db, sendId, [SendState.Scheduled, SendState.Sending], SendState.Paused,
            "Only a scheduled or running send can be paused.", cancellationToken);

    private static Task<Results<Ok<SendResponse>, ProblemHttpResult>> Resume(
        Guid sendId, AppDb db, CancellationToken cancellationToken) =>
        MoveAsync(
            db, sendId, [SendState.Paused], SendState.Sending, "Only a paused send can be resumed.", cancellationToken);

    private static Task<Results<Ok<SendResponse>, ProblemHttpResult>> Cancel(
        Guid sendId, AppDb db, CancellationToken cancellationToken) =>
        MoveAsync(db, sendId, [SendState.Scheduled, SendState.Sending, SendState.Paused], SendState.Cancelled,
            "Only a scheduled, running or paused send can be cancelled.", cancellationToken);

    private static async Task<Results<Ok<SendResponse>, ProblemHttpResult>> MoveAsync(
        AppDb db, Guid sendId, SendState[] from, SendState to, string refusal, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.FirstOrDefaultAsync(s => s.Id == sendId, cancellationToken);
        if (send is null)
        {
            return Problems.NotFound("send");
        }

        if (!from.Contains(send.State))
        {
            return Problems.Conflict($"{refusal} This one is {WireNames.Of(send.State)}.");
        }

        if (to is SendState.Sending && await SendingSuspension.IsSuspendedAsync(db, send.TeamId, cancellationToken))
        {
            return SendingSuspension.Suspended();
        }

        var wasScheduled = send.ScheduledAt is { } at && at > db.Now;
        send.State = to is SendState.Sending && wasScheduled ? SendState.Scheduled : to;
        if (to is SendState.Sending)
        {
            // A running send has no pause reason (refused credentials, the bounce-rate guard) to show.
            send.Error = null;
        }

        if (to is SendState.Cancelled)
        {
            send.EndedAt = db.Now;
        }
        else if (to is SendState.Sending && send.Kind == SendKind.Bulk)
        {
            db.EnqueueJob(SendJobs.BulkSend, new SendJobs.BulkSendPayload(send.Id), maxAttempts: 10,
                runAfter: wasScheduled ? send.ScheduledAt : null);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            // Paused or cancelled: the send's waiting jobs end with it. A running one stops by itself between batches
            // (stopping it in the middle would leave a batch handed to the mail server to be sent again).
            if (to is SendState.Paused or SendState.Cancelled)
            {
                var waiting = SendJobs.BulkSendJobsOf(db, send.Id).Where(j => j.State == JobState.Queued);
                await db.CancelJobsAsync(waiting, cancellationToken);
            }

            // A transactional send is delivered by its team's transactional job.
            if (to is SendState.Sending && send.Kind == SendKind.Transactional)
            {
                await SendJobs.RequestTransactionalDeliveryAsync(db, null, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(await ResponseAsync(db, send, cancellationToken));
    }

    private static async Task<Results<Ok<Page<MessageResponse>>, ValidationProblem, ProblemHttpResult>> Messages(
        Guid sendId, AppDb db, string? state, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!await db.CampaignSends.AnyAsync(s => s.Id == sendId, cancellationToken))
        {
            return Problems.NotFound("send");
        }

        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        MessageState? wanted = null;
        if (state is not null)
        {
            if (!WireNames.TryParse<MessageState>(state, out var parsed))
            {
                return Problems.Invalid("state", "One of queued, sending, sent, failed, suppressed.");
            }

            wanted = parsed;
        }

        var rows = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.SendId == sendId && (wanted == null || m.State == wanted)
                && (after == null || m.Id.CompareTo(after.Value) > 0))
            .OrderBy(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(m => new MessageResponse(
            m.Id, m.Position, m.RecordUuid, m.Address, WireNames.Of(m.State), m.Attempts, m.LastReply,
            m.SuppressionReason, m.MessageIdHeader,
            m.CreatedAt, m.SentAt, m.State is MessageState.Queued or MessageState.Sending ? m.NextAttemptAt : null))
            .ToList(), take, m => m.Id));
    }

    internal static async Task<SendResponse> ResponseAsync(
        AppDb db, CampaignSend s, CancellationToken cancellationToken)
    {
        // The send was read through the team's filter, so its messages are the team's: counted without the team filter,
        // the count is read from the delivery index alone, not from every message row of a large send.
        var counts = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking().Where(m => m.SendId == s.Id)
            .GroupBy(m => m.State).Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        var sourceName = s.DataSourceId is { } sourceId
            ? await db.DataSources.AsNoTracking().Where(d => d.Id == sourceId).Select(d => d.Name)
                .FirstOrDefaultAsync(cancellationToken) ?? "(deleted)"
            : "Transactional Call";
        return new SendResponse(
            s.Id, s.CampaignId, s.CommunicationId, s.CommunicationVersion, sourceName, s.DataSourceId, s.AddressField,
            s.SenderAddress, s.SenderName,
            s.ReplyTo, WireNames.Of(s.State), s.ScheduledAt,
            new SendCounts(
                s.RecordCount, counts.GetValueOrDefault(MessageState.Queued),
                counts.GetValueOrDefault(MessageState.Sending), counts.GetValueOrDefault(MessageState.Sent),
                counts.GetValueOrDefault(MessageState.Failed), counts.GetValueOrDefault(MessageState.Suppressed)),
            s.CreatedAt, s.StartedAt, s.EndedAt, s.Error);
    }
}
