using System.Text.Json;
using Communique.Data;
using Communique.Jobs;

namespace Communique.Campaigns;

// The jobs that carry sends out, as Campaigns asks for them: their kinds, the bulk send's payload and the request for a
// team's transactional delivery. Their handlers live in Sending, which uses Campaigns and not the reverse.
public static class SendJobs
{
    public const string BulkSend = "campaign-send";
    public const string TransactionalDelivery = "transactional-delivery";

    public sealed record BulkSendPayload(Guid SendId);

    // The jobs that run a send, found by their payload (written by EnqueueJob with the default options).
    public static IQueryable<Job> BulkSendJobsOf(AppDb db, Guid sendId)
    {
        ArgumentNullException.ThrowIfNull(db);
        var payload = JsonSerializer.Serialize(new BulkSendPayload(sendId));
        return db.Jobs.Where(j => j.Kind == BulkSend && j.Payload == payload);
    }

    // Asks for the team's transactional delivery, now or at runAfter; in the caller's transaction. The job's key
    // keeps at most one of them waiting per team.
    public static Task RequestTransactionalDeliveryAsync(
        AppDb db, DateTime? runAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.EnqueueOnceAsync(
            TransactionalDelivery, $"{TransactionalDelivery}:{db.Tenant.TeamId:N}", runAfter, maxAttempts: 10,
            cancellationToken);
    }
}
