using System.Text.Encodings.Web;
using System.Text.Json;
using Communique.Auth;
using Communique.Campaigns;
using Communique.Data;
using Communique.Email;
using Communique.Jobs;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Communique.Deliverability;

// Tells the team's administrators that the guard warned or suspended the team (a job, so a relay that is down delays
// the email instead of losing it).
public sealed class BounceAlertJob(AppDb db, IMailTransport transport, IOptions<MailOptions> mail) : IJobHandler
{
    public const string Kind = "bounce-alert";

    public sealed record Payload(Guid TeamId, SendingState State, double Rate);

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var admins = await db.Memberships.IgnoreQueryFilters()
            .Where(m => m.TeamId == payload.TeamId && m.Role == Role.Administrator)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).ToListAsync(cancellationToken);
        var team = await db.Teams.Where(t => t.Id == payload.TeamId).Select(t => t.Name)
            .FirstOrDefaultAsync(cancellationToken) ?? "your team";
        if (admins.Count == 0)
        {
            job.Result = "no administrator to tell";
            return;
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(mail.Value.SystemFrom));
        foreach (var admin in admins)
        {
            message.To.Add(MailboxAddress.Parse(admin));
        }

        var suspended = payload.State == SendingState.Suspended;
        message.Subject = suspended ? $"Sending suspended for {team}: hard-bounce rate {payload.Rate:P1}"
            : $"Warning for {team}: hard-bounce rate {payload.Rate:P1}";
        var what = suspended
            ? "Sending is suspended: new sends are refused and running sends pause. Clean your recipient lists, "
                + "then ask your operator to lift the suspension."
            : $"At {BounceGuard.SuspendAt:P0} sending will be suspended. Check where your recipient lists come from "
                + "and remove addresses that bounce.";
        var days = BounceGuard.WindowDays;
        message.Body = new BodyBuilder
        {
            TextBody = $"{payload.Rate:P1} of the messages {team} sent in the last {days} days bounced hard."
                + $"\n\n{what}\n",
            HtmlBody = $"<p>{payload.Rate:P1} of the messages <b>{HtmlEncoder.Default.Encode(team)}</b> sent in the "
                + $"last {days} days bounced hard.</p><p>{HtmlEncoder.Default.Encode(what)}</p>",
        }.ToMessageBody();
        var result = await transport.SendAsync(message, cancellationToken);
        if (result.Outcome == DeliveryOutcome.TemporaryFailure)
        {
            throw new IOException($"The bounce alert could not be handed over yet: {result.Reply}");
        }

        job.Result = JsonSerializer.Serialize(new { admins = admins.Count, result.Reply }, JsonSerializerOptions.Web);
    }
}
