using MimeKit;

namespace Communique.Deliverability;

// Reads the reports mail providers send back, with MimeKit:
// - delivery status notifications (RFC 3464): multipart/report; report-type=delivery-status, one group of fields per
//   recipient; Action failed with a 5.x.x Status is a hard bounce, a 4.x.x Status (delayed, or failed for now) a soft
//   bounce; delivered/relayed/expanded are not bounces;
// - abuse reports (ARF, RFC 5965): multipart/report; report-type=feedback-report, a complaint about the recipient.
// Either way the original message (message/rfc822 or text/rfc822-headers) carries our Message-ID.
public static class ProviderReports
{
    public static IReadOnlyList<ProviderReport> Read(MimeMessage report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Body is not MultipartReport multipart)
        {
            throw new MalformedReportException("The message is not a multipart/report (RFC 6522).");
        }

        var messageId = OriginalMessageId(multipart)
                        ?? throw new MalformedReportException(
                            "The report does not include the original message's Message-ID.");
        return multipart.ReportType?.ToLowerInvariant() switch
        {
            "delivery-status" => DeliveryStatus(multipart, messageId),
            "feedback-report" => [Feedback(multipart, messageId)],
            _ => throw new MalformedReportException(
                $"Report type '{multipart.ReportType}' is neither delivery-status nor feedback-report."),
        };
    }

    private static List<ProviderReport> DeliveryStatus(MultipartReport multipart, string messageId)
    {
        var status = multipart.OfType<MessageDeliveryStatus>().FirstOrDefault()
                     ?? throw new MalformedReportException(
                         "A delivery-status report needs a message/delivery-status part.");
        if (status.StatusGroups.Count < 2)
        {
            throw new MalformedReportException("The delivery status has no per-recipient fields.");
        }

        var reports = new List<ProviderReport>();
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var recipient = AddressOf(group["Final-Recipient"] ?? group["Original-Recipient"])
                            ?? throw new MalformedReportException("A recipient's fields have no Final-Recipient.");
            var action = group["Action"]?.Trim().ToLowerInvariant()
                         ?? throw new MalformedReportException($"The fields for {recipient} have no Action.");
            var code = group["Status"]?.Trim()
                ?? throw new MalformedReportException($"The fields for {recipient} have no Status.");
            if (code.Length < 5 || code[1] != '.' || code[0] is not ('2' or '4' or '5'))
            {
                throw new MalformedReportException($"'{code}' is not a status code (class.subject.detail, RFC 3463).");
            }

            var kind = action switch
            {
                "failed" when code[0] == '5' => EventKind.HardBounce,
                "failed" or "delayed" when code[0] == '4' => EventKind.SoftBounce,
                "delayed" => EventKind.SoftBounce,
                "failed" => EventKind.SoftBounce,
                "delivered" or "relayed" or "expanded" => (EventKind?)null,
                _ => throw new MalformedReportException($"'{action}' is not a DSN action."),
            };
            if (kind is { } k)
            {
                var diagnostic = group["Diagnostic-Code"]?.Trim();
                reports.Add(new ProviderReport(k, messageId, recipient, code, diagnostic is null ? $"{action} {code}"
                    : $"{code} {diagnostic}"));
            }
        }

        return reports;
    }

    private static ProviderReport Feedback(MultipartReport multipart, string messageId)
    {
        var feedback = multipart.OfType<MessageFeedbackReport>().FirstOrDefault()
                       ?? throw new MalformedReportException("A feedback report needs a message/feedback-report part.");
        var type = feedback.Fields["Feedback-Type"]?.Trim()
                   ?? throw new MalformedReportException("The feedback report has no Feedback-Type.");
        var recipient = AddressOf(feedback.Fields["Original-Rcpt-To"]);
        return new ProviderReport(EventKind.Complaint, messageId, recipient, null, $"feedback-type {type}");
    }

    // "rfc822; reader@example.org" → "reader@example.org".
    private static string? AddressOf(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }

        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>');
        return address.Contains('@', StringComparison.Ordinal) ? address : null;
    }

    // MimeKit reads both message/rfc822 and text/rfc822-headers as a message part (the latter with headers only).
    private static string? OriginalMessageId(MultipartReport multipart) =>
        multipart.Skip(1).OfType<MessagePart>().Select(p => p.Message?.MessageId)
            .FirstOrDefault(id => !string.IsNullOrEmpty(id));
}
