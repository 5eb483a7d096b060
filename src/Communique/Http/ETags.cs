using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Communique.Http;

// Optimistic concurrency for versioned resources: the ETag is the version, If-Match must name the current one.
public static class ETags
{
    public static string For(int version) => $"\"v{version}\"";

    public static void Set(HttpResponse response, int version) => response.Headers.ETag = For(version);

    // No If-Match means the caller accepts the last-writer-wins risk; a stale one is refused.
    public static bool IfMatchAllows(HttpRequest request, int version)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        var current = For(version);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any)
            || (!t.IsWeak && t.Tag.Equals(current, StringComparison.Ordinal)));
    }

    public static ProblemHttpResult Stale(int version) => TypedResults.Problem(
        $"The resource has changed since it was read; its current ETag is {For(version)}. Read it again and "
        + "reapply the change.",
        statusCode: 412, title: "Precondition failed", type: ProblemTypes.PreconditionFailed);
}
