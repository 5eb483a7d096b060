using System.Text.Json;
using Communique.Auth;

namespace Communique.Jobs;

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
