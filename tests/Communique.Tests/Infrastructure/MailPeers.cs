using System.Net;
using System.Text.RegularExpressions;
using Communique.Jobs;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Communique.Tests.Infrastructure;

// DNS as published: the DKIM TXT records the API said to create, looked up by name.
public sealed class PublishedDkimRecords(Dictionary<string, string> records) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(
        string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey(records[$"{selector}._domainkey.{domain}"]);

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(
        string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}

public static partial class TestSenders
{
    // Adds a sender address and confirms it the way a person does: the job mails the link, the link's page is posted.
    public static async Task VerifyAsync(TestHost host, HttpClient admin, SmtpSink smtp, string address)
    {
        var before = smtp.Received.Count;
        await (await admin.PostJsonAsync("/senders", new { address })).JsonAsync(HttpStatusCode.Created);
        Assert.True(await host.Service<JobRunner>().RunOneAsync(CancellationToken.None));
        var email = await smtp.WaitForAsync(before + 1);
        var token = Token().Match(email.TextBody!).Groups[1].Value;
        using var anonymous = host.CreateClient();
        var confirmed = await anonymous.PostAsync(
            "/public/senders/verify", new FormUrlEncodedContent([new("token", token)]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
