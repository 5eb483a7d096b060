using System.Net;
using System.Text.RegularExpressions;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Communique.Tests.Deliverability;

// The pages people open from an email (unsubscribe, sender verification) and the tracking links: the headers that
// keep them from being framed or leaking their token, and the host's logs, captured at every level, which must never
// show a token from those links.
public sealed partial class PublicPageTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _public = null!;
    private ShopCampaign _shop = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(Provider.Sqlite, _smtp.RelaySettings(
            ("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
            ("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning")), services =>
        {
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(_logs);
        });
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
        _public = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        _shop = await ShopCampaign.CreateAsync(_host, _admin, _smtp, "ann@example.org");
    }

    public async ValueTask DisposeAsync()
    {
        _public.Dispose();
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    // The unsubscribe link of a message sent to ann, and the verification link of a new sender address (as paths).
    private async Task<(string Unsubscribe, string Verify)> LinksAsync()
    {
        var (_, received) = await _shop.SendAsync(1);
        var header = received["ann@example.org"].Headers[HeaderId.ListUnsubscribe]!;
        var unsubscribe = new Uri(HttpsLink().Match(header).Groups[1].Value).PathAndQuery;
        var before = _smtp.Received.Count;
        await (await _admin.PostJsonAsync("/senders", new { address = "offers@acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.True(await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None));
        var verify = new Uri(VerifyLink().Match((await _smtp.WaitForAsync(before + 1)).TextBody!).Value).PathAndQuery;
        return (unsubscribe, verify);
    }

    [Fact]
    public async Task Public_pages_and_tracking_links_forbid_framing_scripts_and_referrers()
    {
        var (unsubscribe, verify) = await LinksAsync();
        using var oneClick = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        HttpResponseMessage[] responses =
        [
            await _public.GetAsync(unsubscribe),
            await _public.GetAsync(verify),
            await _public.PostAsync(unsubscribe, oneClick),
            await _public.GetAsync("/public/unsubscribe/not-a-token"),
            await _public.GetAsync("/public/t/c/not-a-token"),
            await _public.GetAsync("/public/t/o/not-a-token.gif"),
        ];
        Assert.All(responses[..3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, response =>
        {
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        });
    }

    [Fact]
    public async Task Tokens_in_public_links_never_reach_the_logs()
    {
        var (unsubscribe, verify) = await LinksAsync();
        var tokens = new[]
        {
            unsubscribe["/public/unsubscribe/".Length..],
            verify[(verify.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..],
        };
        await _public.GetAsync(unsubscribe);
        await _public.GetAsync(verify);
        await _public.GetAsync(verify.Replace("/public/", "/PUBLIC/", StringComparison.Ordinal) + "&Token=SECRET-2");
        await _public.GetAsync("/public/t/o/SECRET-open.gif");
        await _public.GetAsync("/public/t/c/SECRET-click?u=1");
        await _public.GetAsync("/Public/Unsubscribe/SECRET-cased");
        // A form the server cannot read is a 400, and the lines logged about it name the request's path.
        using var broken = new StringContent("x", null, "multipart/form-data");
        var refused = await _public.PostAsync("/public/unsubscribe/SECRET-malformed", broken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var oneClick = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        await _public.PostAsync(unsubscribe, oneClick);

        var lines = _logs.Lines.ToList();
        bool Has(string line, string part) => line.Contains(part, StringComparison.Ordinal);
        Assert.Contains(lines, l => Has(l, "Request starting") && Has(l, "/public/unsubscribe/[redacted]"));
        Assert.Contains(lines, l => Has(l, "Request starting") && Has(l, "/public/senders/verify?token=[redacted]"));
        Assert.Contains(lines, l => Has(l, "Request starting") && Has(l, "/public/t/c/[redacted]"));
        Assert.Contains(lines, l =>
            Has(l, "Request finished") && Has(l, "/public/unsubscribe/[redacted]") && Has(l, "400"));
        Assert.DoesNotContain(lines, l => Has(l, "SECRET") || tokens.Any(t => Has(l, t)));
    }

    [GeneratedRegex("<(https://[^>]+)>")]
    private static partial Regex HttpsLink();

    [GeneratedRegex(@"https://mail\.acme\.example/public/senders/verify\?token=[A-Za-z0-9_-]+")]
    private static partial Regex VerifyLink();
}
