using AngleSharp.Html.Parser;
using Communique.Communications;
using Communique.Email;
using Communique.Email.Compose;
using Communique.Sending;
using Communique.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace Communique.Tests.Email;

public sealed class ComposerTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private SmtpSink _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Mail:PublicBaseUrl"] = "https://mail.acme.example/",
            ["Mail:SystemFrom"] = "Acme Mail <postmaster@mail.acme.example>",
        });
        _smtp = await SmtpSink.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private const string Html = """
        <html><head><style>p { color: #c00; } .big { font-size: 20px } @media (max-width: 600px) { p { font-size: 14px } }</style></head>
        <body><p class="big">Hello Ann</p>
        <a href="https://shop.acme.example/offer?utm=1&amp;x=2">See the offer</a>
        <a href="UNSUBSCRIBE">Unsubscribe</a>
        <a href="mailto:help@acme.example">Write to us</a>
        <a href="#top">Top</a></body></html>
        """;

    private async Task<MimeMessage> SendAndReceiveAsync(bool tracking)
    {
        var composer = _host.Service<MessageComposer>();
        var id = Guid.CreateVersion7();
        var links = composer.LinksFor(id);
        var rendered = new RenderedEmail("Your offer, Ann",
            Html.Replace("UNSUBSCRIBE", links.UnsubscribeUrl, StringComparison.Ordinal),
            "Hello Ann\nSee the offer: https://shop.acme.example/offer", "Ten per cent off this week");
        var message = composer.Compose(
            new Envelope(new MailboxAddress("Acme", "news@acme.example"), new MailboxAddress("Ann", "ann@example.org"),
                new MailboxAddress("Acme help", "help@acme.example")),
            rendered, links, tracking);

        var before = _smtp.Received.Count;
        await using var smtp = new SmtpTransport(
            [new SmtpRelayOptions { Host = "127.0.0.1", Port = _smtp.Port, Security = SmtpSecurity.None }],
            NullLogger<SmtpTransport>.Instance);
        Assert.Equal(DeliveryOutcome.Accepted, (await smtp.SendAsync(message, CancellationToken.None)).Outcome);
        var arrived = await _smtp.WaitForAsync(before + 1);
        Assert.Equal($"{id:N}@acme.example", arrived.MessageId);
        return arrived;
    }

    [Fact]
    public async Task What_arrives_has_both_parts_inlined_css_click_links_an_open_pixel_and_one_click_unsubscribe()
    {
        var arrived = await SendAndReceiveAsync(tracking: true);
        var tokens = _host.Service<MailTokens>();

        Assert.Equal("Your offer, Ann", arrived.Subject);
        Assert.Equal("help@acme.example", arrived.ReplyTo.Mailboxes.Single().Address);
        Assert.StartsWith("Hello Ann", arrived.TextBody, StringComparison.Ordinal);

        var document = new HtmlParser().ParseDocument(arrived.HtmlBody!);
        var paragraph = document.QuerySelector("p")!;
        Assert.Contains("color: #c00", paragraph.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("font-size: 20px", paragraph.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("@media", document.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Ten per cent off this week", document.Body!.FirstElementChild!.TextContent);

        var hrefs = document.QuerySelectorAll("a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.StartsWith("https://mail.acme.example/public/t/c/", hrefs[0], StringComparison.Ordinal);
        var click = tokens.Read(hrefs[0]["https://mail.acme.example/public/t/c/".Length..]);
        Assert.Equal(new MailToken(MailTokenKind.Click, Guid.ParseExact(arrived.MessageId![..32], "N"),
            "https://shop.acme.example/offer?utm=1&x=2"), click);
        Assert.StartsWith("https://mail.acme.example/public/unsubscribe/", hrefs[1], StringComparison.Ordinal);
        Assert.Equal("mailto:help@acme.example", hrefs[2]);
        Assert.Equal("#top", hrefs[3]);

        var pixel = document.QuerySelectorAll("img")[^1].GetAttribute("src")!;
        Assert.StartsWith("https://mail.acme.example/public/t/o/", pixel, StringComparison.Ordinal);
        Assert.Equal(MailTokenKind.Open, tokens.Read(pixel["https://mail.acme.example/public/t/o/".Length..^4])!.Kind);

        Assert.Equal($"<{hrefs[1]}>", arrived.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", arrived.Headers[HeaderId.ListUnsubscribePost]);
        var unsubscribe = tokens.Read(hrefs[1]["https://mail.acme.example/public/unsubscribe/".Length..]);
        Assert.Equal(MailTokenKind.Unsubscribe, unsubscribe!.Kind);
    }

    // The test host configures no Mail:UnsubscribeAddress (only Mail:SystemFrom, which is not one).
    [Fact]
    public async Task Without_an_unsubscribe_address_List_Unsubscribe_has_only_the_one_click_url_and_no_mailto()
    {
        var arrived = await SendAndReceiveAsync(tracking: false);

        var listUnsubscribe = arrived.Headers[HeaderId.ListUnsubscribe];
        Assert.StartsWith("<https://mail.acme.example/public/unsubscribe/", listUnsubscribe, StringComparison.Ordinal);
        Assert.DoesNotContain("mailto:", listUnsubscribe, StringComparison.Ordinal);
        Assert.DoesNotContain(",", listUnsubscribe, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", arrived.Headers[HeaderId.ListUnsubscribePost]);
        Assert.Null(_host.Service<MessageComposer>().LinksFor(Guid.CreateVersion7()).UnsubscribeMailto);
    }

    [Fact]
    public async Task Without_tracking_links_stay_as_written_and_there_is_no_pixel()
    {
        var arrived = await SendAndReceiveAsync(tracking: false);
        var document = new HtmlParser().ParseDocument(arrived.HtmlBody!);

        Assert.Equal("https://shop.acme.example/offer?utm=1&x=2", document.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(document.QuerySelectorAll("img"));
        Assert.Equal("List-Unsubscribe=One-Click", arrived.Headers[HeaderId.ListUnsubscribePost]);
    }

    [Fact]
    public void Links_in_any_quoting_are_tracked_and_a_fragment_gets_its_preheader_first_and_its_pixel_last()
    {
        var composer = _host.Service<MessageComposer>();
        var tokens = _host.Service<MailTokens>();
        var links = composer.LinksFor(Guid.CreateVersion7());
        var rendered = new RenderedEmail("Hi",
            "<p><a title='x' href='https://a.example/x?y=1&amp;z=2'>A</a> <a href=https://b.example/>B</a></p>", "A B",
            "Hidden & first");

        var html = composer.Compose(
            new Envelope(new MailboxAddress("Acme", "news@acme.example"), new MailboxAddress("", "ann@example.org")),
            rendered, links, tracking: true, inlineCss: false).HtmlBody!;

        Assert.StartsWith(
            """<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">Hidden &amp; first</div><p>""",
            html, StringComparison.Ordinal);
        Assert.EndsWith(""".gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">""",
            html, StringComparison.Ordinal);
        var hrefs = new HtmlParser().ParseDocument(html).QuerySelectorAll("a").Select(a => a.GetAttribute("href")!)
            .ToList();
        Assert.Equal("https://a.example/x?y=1&z=2",
            tokens.Read(hrefs[0]["https://mail.acme.example/public/t/c/".Length..])!.Url);
        Assert.Equal("https://b.example/",
            tokens.Read(hrefs[1]["https://mail.acme.example/public/t/c/".Length..])!.Url);
    }

    [Fact]
    public void Message_ids_are_unique_and_a_changed_or_foreign_token_reads_as_nothing()
    {
        var tokens = _host.Service<MailTokens>();
        var id = Guid.CreateVersion7();
        var good = tokens.Create(new MailToken(MailTokenKind.Click, id, "https://acme.example/a"));
        Assert.Equal(new MailToken(MailTokenKind.Click, id, "https://acme.example/a"), tokens.Read(good));

        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(good);
        bytes[^20] ^= 1;
        Assert.Null(tokens.Read(System.Buffers.Text.Base64Url.EncodeToString(bytes)));
        Assert.Null(tokens.Read(good[..^2]));
        Assert.Null(tokens.Read("not-a-token"));
        Assert.Null(tokens.Read(""));

        var composer = _host.Service<MessageComposer>();
        Assert.NotEqual(composer.LinksFor(Guid.CreateVersion7()).UnsubscribeUrl,
            composer.LinksFor(Guid.CreateVersion7()).UnsubscribeUrl);
    }

    // A template is prepared once and kept: a send of the same template gets the same preparation, whatever else of
    // the email differs; another text template is prepared on its own.
    [Fact]
    public void A_prepared_template_is_kept_and_the_text_template_is_part_of_what_identifies_it()
    {
        var composer = _host.Service<MessageComposer>();
        var first = composer.Prepare(new EmailContent("Hello {{ name }}", Html, null, null, null, null));
        var again = composer.Prepare(new EmailContent("Another subject", Html, null, "A preheader", null, "news"));
        var written = composer.Prepare(new EmailContent("Hello {{ name }}", Html, "Hello {{ name }}, in words.", null,
            null, null));

        Assert.False(first.InlineCss);
        Assert.Contains("color: #c00", first.Content.Html, StringComparison.Ordinal);
        Assert.Same(first.Content.Html, again.Content.Html);
        Assert.Equal("Another subject", again.Content.Subject);
        Assert.Equal("A preheader", again.Content.Preheader);
        Assert.True(first.TidyText);
        Assert.Equal(first.Content.Text, again.Content.Text);
        Assert.False(written.TidyText);
        Assert.Equal("Hello {{ name }}, in words.", written.Content.Text);
    }
}
