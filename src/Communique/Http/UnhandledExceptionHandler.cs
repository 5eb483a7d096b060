using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Communique.Http;

// Turns binding failures into 400s that name the problem, and anything else into a bare 500.
internal sealed class UnhandledExceptionHandler(IProblemDetailsService problems, ILogger<UnhandledExceptionHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => Describe(bad),
            // What ReadFormAsync throws for a form it cannot read: no boundary, a section or value past its limits.
            InvalidDataException malformed => new ProblemDetails
            {
                Status = 400,
                Title = "Malformed request",
                Type = ProblemTypes.MalformedRequest,
                Detail = $"The form body cannot be read: {malformed.Message}",
            },
            RegexMatchTimeoutException => new ProblemDetails
            {
                Status = 422,
                Title = "Too complex",
                Type = ProblemTypes.TooComplex,
                Detail = "Part of the request took longer to process than is allowed; make it simpler or smaller.",
            },
            _ => null,
        };

        if (problem is null)
        {
            log.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method,
                context.Request.Path);
            problem = new ProblemDetails
            {
                Status = 500,
                Title = "Unexpected error",
                Type = ProblemTypes.Unexpected,
                Detail = "The server failed to complete the request. Quote the request id when reporting it.",
            };
        }

        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Describe(BadHttpRequestException bad)
    {
        var status = bad.StatusCode;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status == 413 ? "Payload too large" : "Malformed request",
            Type = status == 413 ? ProblemTypes.PayloadTooLarge : ProblemTypes.MalformedRequest,
            Detail = bad.Message,
        };

        if (bad.InnerException is JsonException json)
        {
            var path = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
            problem.Detail = json.Message.Contains("missing required properties", StringComparison.Ordinal)
                ? json.Message
                : $"The JSON body is not valid at {json.Path ?? "$"} (line {json.LineNumber + 1}, "
                    + $"byte {json.BytePositionInLine + 1}).";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [path] = [problem.Detail] };
        }

        return problem;
    }
}
