using System.Buffers;
using System.Text;
using Communique.Auth;
using Communique.Data;
using Communique.Email.Dkim;
using Communique.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace Communique.Tests.Email;

// The signer's canonical forms against RFC 6376's own example, and its signatures over many shapes of message checked
// by MimeKit's verifier (an implementation of its own) after a round trip through the bytes a transport writes.
public sealed class DkimSignatureTests
{
    private static readonly MasterKey Keys =
        new(Options.Create(new AuthOptions { MasterKey = Convert.ToBase64String(new byte[32]) }),
            Options.Create(new StorageOptions()));

    private static readonly DkimSigning Signing = new(Keys, TimeProvider.System);

    [Fact]
    public void The_relaxed_forms_are_those_of_the_example_in_RFC_6376()
    {
        // RFC 6376 §3.4.5.
        var headers = "A: X\r\nB : Y\t\r\n\tZ  \r\n"u8;
        var canonical = new ArrayBufferWriter<byte>();
        foreach (var field in DkimCanonical.Fields(headers))
        {
            DkimCanonical.Header(headers.Slice(field.NameStart, field.NameLength),
                headers[field.ValueStart..field.ValueEnd], canonical);
        }

        Assert.Equal("a:X\r\nb:Y Z\r\n", Encoding.ASCII.GetString(canonical.WrittenSpan));

        canonical.ResetWrittenCount();
        DkimCanonical.Body(" C \r\nD \t E\r\n\r\n\r\n"u8, canonical);
        Assert.Equal(" C\r\nD E\r\n", Encoding.ASCII.GetString(canonical.WrittenSpan));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("\r\n\r\n", "")]
    [InlineData("last line without its end", "last line without its end\r\n")]
    [InlineData("a\r\n\r\n\r\nb  \t \r\n \t\r\n", "a\r\n\r\n\r\nb\r\n")]
    [InlineData("tab\tinside\r\n", "tab inside\r\n")]
    public void Empty_lines_are_kept_inside_the_body_and_dropped_at_its_end(string body, string expected)
    {
        var canonical = new ArrayBufferWriter<byte>();
        DkimCanonical.Body(Encoding.ASCII.GetBytes(body), canonical);
        Assert.Equal(expected, Encoding.ASCII.GetString(canonical.WrittenSpan));
    }

    public static TheoryData<string, string> Messages => new()
    {
        { "rsa", "plain" }, { "ed25519", "plain" }, { "rsa", "untidy" }, { "ed25519", "untidy" },
        { "rsa", "attachment" },
        { "rsa", "international" }, { "rsa", "no-body" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Signatures_verify_after_the_round_trip_and_break_when_the_body_or_a_signed_header_changes(
        string algorithm, string shape)
    {
        var (key, dns) = Key(algorithm == "rsa" ? DkimAlgorithm.Rsa : DkimAlgorithm.Ed25519);
        var wire = Signing.Sign(Message(shape), key).Bytes.ToArray();

        var arrived = Load(wire);
        var signature = arrived.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        var verifier = new DkimVerifier(new PublishedDkimRecords(dns));
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        Assert.True(await verifier.VerifyAsync(arrived, signature), shape);
        Assert.Contains("h=from:to:", signature.Value, StringComparison.Ordinal);

        var changed = Load(wire);
        changed.To.Add(new MailboxAddress("", "eve@example.org"));
        Assert.False(await verifier.VerifyAsync(changed, changed.Headers.Single(h => h.Id == HeaderId.DkimSignature)));
        if (shape != "no-body")
        {
            var text = Encoding.ASCII.GetString(wire).Replace("Hello", "Hallo", StringComparison.Ordinal);
            var tampered = Load(Encoding.ASCII.GetBytes(text));
            Assert.False(await verifier.VerifyAsync(tampered,
                tampered.Headers.Single(h => h.Id == HeaderId.DkimSignature)));
        }
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("attachment")]
    [InlineData("international")]
    public void The_signed_wire_bytes_are_the_signature_then_the_message_as_written(string shape)
    {
        var message = Message(shape);
        message.Prepare(EncodingConstraint.SevenBit);
        var before = Encoding.ASCII.GetString(Bytes(message));
        var wire = Signing.Sign(message, Key(DkimAlgorithm.Rsa).Key);

        Assert.Equal(before, WithoutSignature(Encoding.ASCII.GetString(wire.Bytes.Span), "\r\n"));
        Assert.Equal(before, Encoding.ASCII.GetString(Bytes(message)));
        Assert.Equal("news@acme.example", wire.Sender.Address);
        Assert.Equal("ann@example.org", Assert.Single(wire.Recipients).Address);
    }

    [Fact]
    public void A_message_without_a_sender_is_not_signed()
    {
        var message = Message("plain");
        message.From.Clear();
        Assert.Throws<InvalidOperationException>(() => Signing.Sign(message, Key(DkimAlgorithm.Rsa).Key));
    }

    private static (DkimKey Key, Dictionary<string, string> Dns) Key(DkimAlgorithm algorithm)
    {
        var (secret, publicKey) = DkimSigning.Generate(algorithm);
        var key = new DkimKey { Domain = "acme.example", Selector = "s1", Algorithm = algorithm,
            SealedPrivateKey = Keys.Seal(secret), PublicKey = publicKey };
        return (key, new Dictionary<string, string> { [key.RecordName] = key.RecordValue });
    }

    private static MimeMessage Message(string shape)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Acme News", "news@acme.example"));
        message.To.Add(new MailboxAddress("Ann", "ann@example.org"));
        message.Subject = "Your statement";
        message.MessageId = MimeUtils.GenerateMessageId("acme.example");
        var body = new BodyBuilder { TextBody = "Hello Ann,\r\nyour balance is 12.50.\r\n",
            HtmlBody = "<p>Hello Ann</p>" };
        switch (shape)
        {
            case "untidy":
                // Runs of spaces and tabs, white space at line ends, empty lines at the end; a long folded subject.
                message.Subject = string.Join(' ', Enumerable.Repeat("A long subject that folds", 8));
                message.Cc.Add(new MailboxAddress("Bob  Smith", "bob@example.org"));
                body.TextBody = "Hello  Ann,\t \r\n\r\n  indented\t\ttext   \r\nmore\r\n\r\n\r\n";
                break;
            case "attachment":
                body.Attachments.Add("statement.pdf", Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray(),
                    ContentType.Parse("application/pdf"));
                break;
            case "international":
                message.Subject = "Relevé de novembre — prêt 🎉";
                message.From[0].Name = "Acmé Nouvelles";
                body.TextBody = "Hello Zoë, votre solde est de 1 234,50 €\r\n";
                break;
            case "no-body":
                message.Body = new TextPart("plain") { Text = "" };
                return message;
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, stream);
        return stream.ToArray();
    }

    // The text without its first header, the signature, and that header's folded lines.
    private static string WithoutSignature(string text, string newLine)
    {
        Assert.StartsWith("DKIM-Signature:", text, StringComparison.Ordinal);
        var end = 0;
        do
        {
            end = text.IndexOf(newLine, end, StringComparison.Ordinal) + newLine.Length;
        }
        while (text[end] is ' ' or '\t');

        return text[end..];
    }

    private static MimeMessage Load(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));
}
