using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using MimeKit;

namespace Communique.Tests.Deliverability;

// What the report tests send from: a project with one email communication, a campaign, a data source of people and
// a verified sender, all made through the API.
public sealed record ShopCampaign(
    TestHost Host, HttpClient Admin, SmtpSink Smtp, string Campaign, string Communication, string Source)
{
    public const string Sender = "news@acme.example";

    public object SendRequest =>
        new { communicationId = Communication, dataSourceId = Source, addressField = "email", sender = Sender };

    public static async Task<ShopCampaign> CreateAsync(
        TestHost host, HttpClient admin, SmtpSink smtp, params string[] people)
    {
        var project = (await (await admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communication = (await (await admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Offer", channel = "email",
            content = new { subject = "Hello {{ first_name }}", html = "<p>Hi {{ first_name }}</p>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var campaign = (await (await admin.PostJsonAsync("/campaigns", new { projectId = project, name = "November" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var csv = "email,first_name\n"
            + string.Concat(people.Select(p => $"{p},{CultureInfo.InvariantCulture.TextInfo.ToTitleCase(
                p[..p.IndexOf('@', StringComparison.Ordinal)])}\n"));
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        await TestSenders.VerifyAsync(host, admin, smtp, Sender);
        return new ShopCampaign(host, admin, smtp, campaign, communication, source);
    }

    // Sends to everyone not suppressed, runs the send's jobs, and returns what arrived, by recipient.
    public async Task<(string Send, Dictionary<string, MimeMessage> ByRecipient)> SendAsync(int expected)
    {
        var before = Smtp.Received.Count;
        var send = (await (await Admin.PostJsonAsync($"/campaigns/{Campaign}/sends", SendRequest))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");
        for (var i = 0; i < 20 && await Host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        await Smtp.WaitForAsync(before + expected);
        return (send, Smtp.Received.Skip(before).ToDictionary(m => m.To.Mailboxes.Single().Address));
    }
}
