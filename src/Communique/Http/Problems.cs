using Microsoft.AspNetCore.Http.HttpResults;

namespace Communique.Http;

public static class Problems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"The {what} does not exist.", statusCode: 404, title: "Not found",
            type: ProblemTypes.NotFound);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: 409, title: "Conflict", type: ProblemTypes.Conflict);

    // An uploaded file over its limit (413).
    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        $"The file is larger than the limit of {maxBytes} bytes.", statusCode: 413, title: "Payload too large",
        type: ProblemTypes.PayloadTooLarge);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: 403, title: "Forbidden", type: ProblemTypes.Forbidden);

    public static ProblemHttpResult Stopping(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        // Long enough for a restart or a load balancer to move on to another instance.
        response.Headers.RetryAfter = "5";
        return TypedResults.Problem(
            "The server is stopping and did not store the request; nothing of it will be sent. Send it again.",
            statusCode: 503, title: "Server stopping", type: ProblemTypes.ServerStopping);
    }

    public static ProblemHttpResult Unauthenticated(string detail) =>
        TypedResults.Problem(detail, statusCode: 401, title: "Unauthenticated", type: ProblemTypes.Unauthenticated);

    public static ProblemHttpResult RateLimited(HttpResponse response, int retryAfterSeconds, string detail)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: 429, title: "Too many requests",
            type: ProblemTypes.RateLimited);
    }

    // Something asked for is being made; the answer says when to ask again.
    public static ProblemHttpResult NotReady(HttpResponse response, int retryAfterSeconds, string detail)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: 503, title: "Not ready", type: ProblemTypes.NotReady);
    }

    // A file that could not be made (its reason is the team's to read, not the viewer's).
    public static ProblemHttpResult RenderFailed(string detail) =>
        TypedResults.Problem(detail, statusCode: 500, title: "Render failed", type: ProblemTypes.RenderFailed);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}", title: "The request is not valid.", type: ProblemTypes.Validation);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors, detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            title: "The request is not valid.", type: ProblemTypes.Validation);
}
