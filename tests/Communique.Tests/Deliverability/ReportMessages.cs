using MimeKit;

namespace Communique.Tests.Deliverability;

// Reports as mailbox providers send them, built with MimeKit in the formats of the RFCs: delivery status
// notifications (RFC 3464) and abuse reports (ARF, RFC 5965) about a message we sent.
public static class ReportMessages
{
    public static MimeMessage Dsn(
        MimeMessage original, bool headersOnly, params (string Recipient, string Action, string Status)[] recipients)
    {
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "This is the mail system at mx.provider.example." },
        };
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(
            new HeaderList { { "Reporting-MTA", "dns; mx.provider.example" },
                { "Arrival-Date", "Fri, 27 Nov 2026 09:00:00 +0000" } });
        foreach (var (recipient, action, code) in recipients)
        {
            status.StatusGroups.Add(new HeaderList
            {
                { "Final-Recipient", $"rfc822; {recipient}" }, { "Action", action }, { "Status", code },
                { "Diagnostic-Code",
                    code.StartsWith('5') ? "smtp; 550 5.1.1 user unknown" : "smtp; 451 4.4.7 try later" },
            });
        }

        report.Add(status);
        if (headersOnly)
        {
            var headers = new MimeMessage(original.Headers.Where(h => h.Id != HeaderId.DkimSignature));
            report.Add(new TextRfc822Headers { Message = headers });
        }
        else
        {
            report.Add(new MessagePart { Message = original });
        }

        var dsn = new MimeMessage { Subject = "Undelivered Mail Returned to Sender", Body = report };
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.provider.example"));
        dsn.To.Add(new MailboxAddress("", "bounces@acme.example"));
        return dsn;
    }

    public static MimeMessage Arf(MimeMessage original, string recipient)
    {
        var feedback = new MessageFeedbackReport();
        feedback.Fields.Add("Feedback-Type", "abuse");
        feedback.Fields.Add("User-Agent", "ProviderFBL/1.0");
        feedback.Fields.Add("Version", "1");
        feedback.Fields.Add("Original-Rcpt-To", recipient);
        var report = new MultipartReport("feedback-report")
        {
            new TextPart("plain") { Text = "This is an email abuse report." }, feedback,
            new MessagePart { Message = original },
        };
        var arf = new MimeMessage { Subject = "FW: complaint", Body = report };
        arf.From.Add(new MailboxAddress("", "fbl@provider.example"));
        arf.To.Add(new MailboxAddress("", "abuse@acme.example"));
        return arf;
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}
