using System.Net;
using System.Text.RegularExpressions;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using MimeKit;
using SmtpServer.Protocol;

namespace Communique.Tests.Senders;

public abstract partial class SenderTests(Provider provider) : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<bool> RunJobAsync() => _host.Service<JobRunner>().RunOneAsync(CancellationToken.None);

    [GeneratedRegex(@"https://mail\.acme\.example(/public/senders/verify\?token=[A-Za-z0-9_\-]+)")]
    private static partial Regex VerifyLink();

    private static string LinkIn(MimeMessage message)
    {
        var link = VerifyLink().Match(message.TextBody!);
        Assert.True(link.Success, message.TextBody);
        Assert.Contains(link.Value, message.HtmlBody, StringComparison.Ordinal);
        return link.Groups[1].Value;
    }

    private async Task<HttpResponseMessage> ConfirmAsync(string path)
    {
        using var anonymous = _host.CreateClient();
        var token = path[(path.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        return await anonymous.PostAsync("/public/senders/verify", new FormUrlEncodedContent([new("token", token)]));
    }

    [Fact]
    public async Task A_sender_is_verified_through_the_link_in_the_email_it_receives()
    {
        var added = await (await _admin.PostJsonAsync("/senders", new { address = "News@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("pending", added.Str("status"));
        Assert.True(await RunJobAsync());

        var email = await _smtp.WaitForAsync(1);
        Assert.Equal("News@acme.example", email.To.Mailboxes.Single().Address);
        Assert.Contains("News@acme.example", email.Subject, StringComparison.Ordinal);
        var link = LinkIn(email);

        using var anonymous = _host.CreateClient();
        var page = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", (await (await _admin.GetAsync($"/senders/{added.Str("id")}")).JsonAsync())
            .Str("status"));

        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(link)).StatusCode);
        var verified = await (await _admin.GetAsync($"/senders/{added.Str("id")}")).JsonAsync();
        Assert.Equal("verified", verified.Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, (await ConfirmAsync(link)).StatusCode);

        var token = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..];
        if (provider == Provider.Sqlite)
        {
            var bytes = Directory.GetFiles(_host.Database.Folder, "communique.db*").SelectMany(File.ReadAllBytes)
                .ToArray();
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(token)));
        }
    }

    [Fact]
    public async Task A_link_expires_after_24_hours_and_a_resend_replaces_it()
    {
        var id = (await (await _admin.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        Assert.True(await RunJobAsync());
        var first = LinkIn(await _smtp.WaitForAsync(1));

        _host.Clock.Advance(TimeSpan.FromHours(24));
        _admin.Dispose();
        _admin = await _acme.AdminAsync();
        Assert.Equal("expired", (await (await _admin.GetAsync($"/senders/{id}")).JsonAsync()).Str("status"));
        Assert.Equal(HttpStatusCode.Gone, (await ConfirmAsync(first)).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await _admin.PostAsync($"/senders/{id}/resend", null)).StatusCode);
        Assert.True(await RunJobAsync());
        var second = LinkIn(await _smtp.WaitForAsync(2));
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await ConfirmAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(second)).StatusCode);
        await (await _admin.PostAsync($"/senders/{id}/resend", null)).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_relay_that_defers_the_email_gets_it_again_later_and_one_that_refuses_it_ends_the_job()
    {
        _smtp.AnswerNext(1, SmtpReplyCode.Aborted, "4.2.1 try later");
        var added = await (await _admin.PostJsonAsync("/senders", new { address = "later@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.True(await RunJobAsync());
        Assert.Empty(_smtp.Received);

        _host.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await RunJobAsync());
        Assert.Equal("later@acme.example", (await _smtp.WaitForAsync(1)).To.Mailboxes.Single().Address);

        _smtp.AnswerNext(1, SmtpReplyCode.MailboxUnavailable, "5.1.1 no such mailbox");
        await (await _admin.PostJsonAsync("/senders", new { address = "nobody@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.True(await RunJobAsync());
        var jobs = await (await _admin.GetAsync("/jobs?state=dead")).JsonAsync();
        Assert.Contains("no such mailbox", jobs.GetProperty("items")[0].Str("error"), StringComparison.Ordinal);
        Assert.Equal("pending", (await (await _admin.GetAsync($"/senders/{added.Str("id")}")).JsonAsync())
            .Str("status"));
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("News <news@acme.example>")]
    [InlineData("news@")]
    [InlineData(" news@acme.example")]
    public async Task Anything_but_one_bare_address_is_refused(string address)
    {
        var problem = await (await _admin.PostJsonAsync("/senders", new { address }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("address", out _));
        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task The_same_address_twice_is_a_conflict_but_another_spelling_is_another_sender()
    {
        await (await _admin.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync("/senders", new { address = "News@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, (await (await _admin.GetAsync("/senders")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Another_teams_senders_do_not_exist()
    {
        var id = (await (await _admin.PostJsonAsync("/senders", new { address = "news@acme.example" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        using var other = await (await _host.CreateAccountAsync("Globex")).AdminAsync();

        await (await other.GetAsync($"/senders/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/senders/{id}/resend", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/senders/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/senders")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/senders/{id}")).StatusCode);
    }
}

public sealed class SendersOnSqlite() : SenderTests(Provider.Sqlite);

public sealed class SendersOnPostgres() : SenderTests(Provider.Postgres);
