using System.Collections.Frozen;
using System.Text.Json;
using Communique.Auth;

namespace Communique.Jobs;

// One implementation per kind of job, registered with AddJobHandler<T>(kind, area).
public interface IJobHandler
{
    Task RunAsync(JobContext job, CancellationToken cancellationToken);

    // Called once when the job has ended without success for good (dead-lettered, or stopped on a cancel request), so
    // that what it works on does not wait for it any more (a send that would stay scheduled, a training that would
    // stay training).
    Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

// What a running job sees of itself: its payload, its saved cursor, and a way to report progress.
public sealed class JobContext(Job job, JobLease lease)
{
    public Guid Id => job.Id;
    public Guid TeamId => job.TeamId;
    public string Kind => job.Kind;
    public string? Payload => job.Payload;
    public int Attempt => job.Attempts;

    // Where a previous attempt stopped; null on the first attempt.
    public string? Cursor { get; private set; } = job.Cursor;

    public string? Result { get; set; }

    public async Task ReportAsync(int progress, string? cursor, CancellationToken cancellationToken)
    {
        Cursor = cursor ?? Cursor;
        await lease.ReportAsync(Math.Clamp(progress, 0, 99), Cursor, cancellationToken);
    }
}

// The permanent failure of a job: no retry.
public sealed class JobFailedException(string message) : Exception(message);

// A kind of job and what it works on. Area is the part of the role matrix whose view access shows the kind's jobs and
// whose edit access cancels them. A job that carries out the lifecycle of a thing of its own (a send, an import, a
// training) names the endpoint that cancels that thing instead: cancelling the job alone would leave the thing waiting
// for it. {name} in the endpoint is filled from the job's payload property of that name.
public sealed record JobKind(string Name, Area Area, string? CancelledThrough = null)
{
    public string? CancelEndpointOf(Job job)
    {
        if (CancelledThrough is null || job.Payload is null)
        {
            return CancelledThrough;
        }

        using var payload = JsonDocument.Parse(job.Payload);
        if (payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            return CancelledThrough;
        }

        var endpoint = CancelledThrough;
        foreach (var property in payload.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                endpoint = endpoint.Replace(
                    $"{{{property.Name}}}", property.Value.ToString(), StringComparison.OrdinalIgnoreCase);
            }
        }

        return endpoint;
    }
}

public sealed class JobKinds(IEnumerable<JobKind> kinds)
{
    private readonly FrozenDictionary<string, JobKind> _kinds =
        kinds.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    public JobKind? Of(string kind) => _kinds.GetValueOrDefault(kind);

    // The kinds whose jobs the role may see; jobs of a kind no handler is registered for are seen by nobody.
    public List<string> VisibleTo(Role role) =>
        [.. _kinds.Values.Where(k => RoleMatrix.Allows(role, k.Area, Access.View)).Select(k => k.Name)];
}

public static class JobHandlerRegistration
{
    public static IServiceCollection AddJobHandler<THandler>(
        this IServiceCollection services, string kind, Area area, string? cancelledThrough = null)
        where THandler : class, IJobHandler
    {
        services.AddSingleton(new JobKind(kind, area, cancelledThrough));
        return services.AddKeyedScoped<IJobHandler, THandler>(kind);
    }
}
