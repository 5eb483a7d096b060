using System.Globalization;
using System.Text.Json;
using Communique.Data;
using Communique.DataSources;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// Renders ahead of time for a campaign: plans each record (of a data source, or by uuid) from the communication's
// current version and asks for its render, which the video-render jobs then make within the concurrency limit. A
// record whose render exists is not rendered again. The cursor (the last record's position, or the count of uuids
// done) is saved with each report, so a batch that dies resumes where it stopped.
public sealed class VideoRenderBatchJob(AppDb db, VideoTemplates templates, VideoPlanner planner) : IJobHandler
{
    public const string Kind = "video-render-batch";

    private const int Page = 200;

    public sealed record Payload(Guid CommunicationId, Guid? DataSourceId, IReadOnlyList<Guid>? Uuids, int Total);

    public sealed record Outcome(int Records, int Queued, int Failed, IReadOnlyList<string> Failures);

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var template = await templates.CurrentAsync(db, payload.CommunicationId, cancellationToken)
            ?? throw new JobFailedException("The video communication was deleted.");
        var after = job.Cursor is { } cursor ? long.Parse(cursor, CultureInfo.InvariantCulture) : -1;
        var (records, queued, failed) = (0, 0, 0);
        var failures = new List<string>();
        await foreach (var (position, uuid, record) in RecordsAsync(payload, after, cancellationToken))
        {
            records++;
            var (plan, failure) = await VideoViews.PlanAsync(planner, template, record, cancellationToken);
            if (plan is null)
            {
                failed++;
                if (failures.Count < 100)
                {
                    failures.Add($"{uuid}: {failure}");
                }
            }
            else
            {
                await VideoRenders.EnsureAsync(db, template, plan, uuid, cancellationToken);
                db.ChangeTracker.Clear();
                queued++;
            }

            if (records % 50 == 0)
            {
                await job.ReportAsync((int)(100L * records / Math.Max(1, payload.Total)),
                    position.ToString(CultureInfo.InvariantCulture), cancellationToken);
            }
        }

        job.Result = JsonSerializer.Serialize(
            new Outcome(records, queued, failed, failures), JsonSerializerOptions.Web);
    }

    // Each record after the cursor, with its position (in the source, or in the list of uuids).
    private async IAsyncEnumerable<(long Position, Guid Uuid, LookedUpRecord Record)> RecordsAsync(
        Payload payload, long after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (payload.Uuids is { } uuids)
        {
            for (var i = (int)(after + 1); i < uuids.Count; i++)
            {
                if (await VideoRecords.FindAsync(db, uuids[i], cancellationToken) is { } found)
                {
                    yield return (i, uuids[i], found);
                }
            }

            yield break;
        }

        var source = await db.DataSources.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == payload.DataSourceId, cancellationToken)
            ?? throw new JobFailedException("The data source was deleted.");
        var schema = JsonSerializer.Deserialize<List<FieldSchema>>(source.Schema, DataImporter.Json)!;
        while (true)
        {
            var page = await db.DataRecords.AsNoTracking()
                .Where(r => r.DataSourceId == source.Id && r.Generation == source.Generation
                    && r.Position > after && r.Position < source.RecordCount)
                .OrderBy(r => r.Position).Take(Page)
                .Select(r => new { r.Position, r.Uuid, r.Values }).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var row in page)
            {
                after = row.Position;
                yield return (row.Position, row.Uuid, VideoRecords.Of(schema, source.Locale, row.Values, row.Uuid));
            }
        }
    }
}
