using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Communique.Deliverability;

// Where a team's mail provider posts bounces and complaints (Public API, signed instead of signed in):
// POST /public/webhooks/{team}/reports with the report as it came — a DSN or ARF message (message/rfc822 or
// multipart/report) — or JSON {type: bounce|soft-bounce|complaint, messageId, recipient, status, detail}.
// The request carries `Communique-Timestamp` (Unix seconds, within 5 minutes) and `Communique-Signature:
// sha256=<hex HMAC-SHA256 of "{timestamp}.{body}" under the team's webhook secret>`; anything else is 401. A body
// over 1 MB is refused (413) without reading past the limit. A report that cannot be read is 400 and changes nothing.
// A report about a message the team never sent is ignored (and logged); the same report twice counts once.
public static class ProviderWebhook
{
    public const string SignatureHeader = "Communique-Signature";
    public const string TimestampHeader = "Communique-Timestamp";
    public const int MaxBytes = 1024 * 1024;
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static RouteGroupBuilder MapProviderWebhook(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/webhooks").WithTags("Provider webhooks").WithGroupName("public")
            .AllowAnonymous();
        group.MapPost("/{team:guid}/reports", Receive).DisableAntiforgery().WithBodyLimit(MaxBytes)
            .WithSummary("A provider's bounce or complaint report (DSN, ARF or JSON), signed with the team's secret.");
        return group;
    }

    private static async Task<Results<Ok<ReportsApplied>, ProblemHttpResult, ValidationProblem>> Receive(
        Guid team, HttpRequest request, AppDb db, MasterKey master, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        // The endpoint's body limit stops the copy (413) once it passes MaxBytes.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        var secret = await db.WebhookSecrets.IgnoreQueryFilters().AsNoTracking().Where(s => s.TeamId == team)
            .Select(s => s.SealedSecret).FirstOrDefaultAsync(cancellationToken);
        if (secret is null || !Verify(request, body, master.Unseal(secret), db.Now))
        {
            return TypedResults.Problem(
                "The report is not signed with this team's webhook secret (or its timestamp is too old).",
                statusCode: 401, title: "Unauthenticated", type: ProblemTypes.Unauthenticated);
        }

        IReadOnlyList<ProviderReport> reports;
        try
        {
            reports = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
                ? FromJson(body)
                : ProviderReports.Read(await MimeMessage.LoadAsync(new MemoryStream(body), cancellationToken));
        }
        catch (Exception e) when (e is MalformedReportException or FormatException or JsonException)
        {
            return Problems.Invalid("report", e.Message);
        }

        return TypedResults.Ok(await ReportIntake.ApplyAsync(db, team, reports,
            loggers.CreateLogger(typeof(ProviderWebhook)), cancellationToken));
    }

    private static List<ProviderReport> FromJson(byte[] body)
    {
        var report = JsonSerializer.Deserialize<JsonReport>(body, JsonSerializerOptions.Web)
                     ?? throw new MalformedReportException("The body is not a JSON report.");
        var kind = report.Type switch
        {
            "bounce" or "hard-bounce" => EventKind.HardBounce,
            "soft-bounce" => EventKind.SoftBounce,
            "complaint" => EventKind.Complaint,
            _ => throw new MalformedReportException("type must be bounce, soft-bounce or complaint."),
        };
        if (string.IsNullOrWhiteSpace(report.MessageId))
        {
            throw new MalformedReportException("messageId (the Message-ID header of the message we sent) is required.");
        }

        return [new ProviderReport(kind, report.MessageId, report.Recipient, report.Status, report.Detail
            ?? report.Status ?? report.Type!)];
    }

    private static bool Verify(HttpRequest request, byte[] body, byte[] secret, DateTime now)
    {
        var timestamp = request.Headers[TimestampHeader].ToString();
        var signature = request.Headers[SignatureHeader].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !signature.StartsWith("sha256=", StringComparison.Ordinal) || signature.Length != 7 + 64)
        {
            return false;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799)).UtcDateTime;
        if ((now - at).Duration() > Tolerance)
        {
            return false;
        }

        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        var expected = HMACSHA256.HashData(secret, signed);
        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(signature.AsSpan(7), given, out _,
            out var written) == System.Buffers.OperationStatus.Done
               && written == 32 && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
