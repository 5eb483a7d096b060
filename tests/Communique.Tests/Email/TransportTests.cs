using Communique.Email;
using Communique.Sending;
using Communique.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using SmtpServer.Protocol;

namespace Communique.Tests.Email;

public sealed class TransportTests : IAsyncLifetime
{
    private SmtpSink _sink = null!;

    public async ValueTask InitializeAsync() => _sink = await SmtpSink.StartAsync();

    public async ValueTask DisposeAsync() => await _sink.DisposeAsync();

    private static SmtpTransport Smtp(params int[] ports) => new(
        [.. ports.Select(p => new SmtpRelayOptions { Host = "127.0.0.1", Port = p, Security = SmtpSecurity.None,
            MaxConnections = 2, TimeoutSeconds = 5 })],
        NullLogger<SmtpTransport>.Instance);

    private static MimeMessage Message(int n)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Acme", "news@acme.example"));
        message.To.Add(new MailboxAddress($"Reader {n}", $"reader{n}@example.org"));
        message.Subject = $"Issue {n} — déjà vu";
        message.Body = new TextPart("plain") { Text = $"Hello reader {n}" };
        return message;
    }

    [Fact]
    public async Task Messages_reach_the_smtp_server_intact_over_reused_connections()
    {
        await using var smtp = Smtp(_sink.Port);

        for (var i = 0; i < 5; i++)
        {
            var result = await smtp.SendAsync(Message(i), CancellationToken.None);
            Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        }

        await _sink.WaitForAsync(5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Issue {i} — déjà vu"),
            _sink.Received.Select(m => m.Subject));
        Assert.Equal("reader3@example.org", _sink.Received.ElementAt(3).To.Mailboxes.Single().Address);
        Assert.Equal("Hello reader 4", _sink.Received.Last().TextBody?.Trim());
        Assert.Equal(1, _sink.Sessions);
    }

    [Fact]
    public async Task The_relay_and_the_pickup_folder_receive_the_wire_bytes_byte_for_byte()
    {
        var message = Message(7);
        message.Bcc.Add(new MailboxAddress("Hidden", "hidden@example.org"));
        message.Body = new Multipart("alternative")
        {
            new TextPart("plain") { Text = "Hello reader 7\n.a line that starts with a dot\n" },
            new TextPart("html") { Text = "<p>Hello reader 7</p>" },
        };
        var wire = WireEmail.Of(message);
        var bytes = wire.Bytes.ToArray();
        Assert.DoesNotContain("hidden@example.org", System.Text.Encoding.ASCII.GetString(bytes),
            StringComparison.Ordinal);
        Assert.Equal(["reader7@example.org", "hidden@example.org"], wire.Recipients.Select(r => r.Address));

        await using (var smtp = new SmtpTransport(
                         [new SmtpRelayOptions { Host = "127.0.0.1", Port = _sink.Port, Security = SmtpSecurity.None }],
                         NullLogger<SmtpTransport>.Instance, new MailboxAddress("", "bounces@acme.example")))
        {
            Assert.Equal(DeliveryOutcome.Accepted,
                (await smtp.SendAsync(wire, HandOverGate.Open, CancellationToken.None)).Outcome);
        }

        await _sink.WaitForAsync(1);
        byte[] received = [.. Assert.Single(_sink.ReceivedBytes), .. "\r\n"u8.ToArray()];
        Assert.Equal(bytes, received);
        Assert.Equal("bounces@acme.example", Assert.Single(_sink.EnvelopeSenders));
        Assert.Equal(1, _sink.ArrivalsByRecipient["hidden@example.org"]);

        var folder = Directory.CreateTempSubdirectory("communique-pickup-").FullName;
        try
        {
            await new PickupFolderTransport(folder).SendAsync(wire, HandOverGate.Open, CancellationToken.None);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(folder))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The relay takes a message at the end of its data: the gate holds that end back, and nothing else.
    [Fact]
    public async Task The_relay_has_the_message_only_once_the_gate_is_passed()
    {
        await using var smtp = Smtp(_sink.Port);
        var gate = new HeldGate();
        var sending = smtp.SendAsync(WireEmail.Of(Message(1)), gate, CancellationToken.None);
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Equal(0, _sink.Accepted);
        Assert.False(sending.IsCompleted);

        gate.Opened.SetResult();
        Assert.Equal(DeliveryOutcome.Accepted, (await sending).Outcome);
        Assert.Equal(1, _sink.Accepted);
        Assert.Equal(1, gate.Passes);
    }

    private sealed class HeldGate : HandOverGate
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Passes { get; private set; }

        public override async ValueTask PassAsync(CancellationToken cancellationToken)
        {
            Passes++;
            Reached.TrySetResult();
            await Opened.Task.WaitAsync(cancellationToken);
        }
    }

    [Fact]
    public async Task A_kept_connection_the_server_has_closed_is_replaced_at_once_and_the_message_goes_through()
    {
        await using var smtp = Smtp(_sink.Port);
        Assert.Equal(DeliveryOutcome.Accepted, (await smtp.SendAsync(Message(1), CancellationToken.None)).Outcome);

        // The server goes away with our kept connection, and another takes its place.
        var port = _sink.Port;
        await _sink.DisposeAsync();
        _sink = await SmtpSink.StartAsync(port: port);

        var result = await smtp.SendAsync(Message(2), CancellationToken.None);
        Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        Assert.Equal("Issue 2 — déjà vu", (await _sink.WaitForAsync(1)).Subject);
    }

    [Fact]
    public async Task A_5xx_reply_fails_for_good_a_4xx_for_now_and_the_connection_serves_the_next_message()
    {
        await using var smtp = Smtp(_sink.Port);
        _sink.AnswerNext(1, SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user");
        _sink.AnswerNext(1, SmtpReplyCode.ServiceUnavailable, "4.3.2 try again later");

        var bounced = await smtp.SendAsync(Message(1), CancellationToken.None);
        var deferred = await smtp.SendAsync(Message(2), CancellationToken.None);
        var sent = await smtp.SendAsync(Message(3), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, bounced.Outcome);
        Assert.StartsWith("550 ", bounced.Reply, StringComparison.Ordinal);
        Assert.Contains("no such user", bounced.Reply, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.TemporaryFailure, deferred.Outcome);
        Assert.StartsWith("421 ", deferred.Reply, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Accepted, sent.Outcome);
        Assert.Equal("Issue 3 — déjà vu", (await _sink.WaitForAsync(1)).Subject);
    }

    [Fact]
    public async Task An_unreachable_relay_is_a_temporary_failure_and_the_next_relay_takes_the_message()
    {
        var closed = SmtpSink.FreePort();
        await using (var alone = Smtp(closed))
        {
            var result = await alone.SendAsync(Message(1), CancellationToken.None);
            Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Outcome);
            Assert.Contains("unreachable", result.Reply, StringComparison.Ordinal);
        }

        await using var withFallback = Smtp(closed, _sink.Port);
        Assert.Equal(DeliveryOutcome.Accepted, (await withFallback.SendAsync(Message(2), CancellationToken.None))
            .Outcome);
        Assert.Equal("reader2@example.org", (await _sink.WaitForAsync(1)).To.Mailboxes.Single().Address);
    }

    [Theory]
    [InlineData(Unruliness.DropMidData, "lost")]
    [InlineData(Unruliness.StallAfterGreeting, "unreachable")]
    public async Task A_dropped_connection_or_a_stalled_server_is_a_temporary_failure_within_the_timeout(
        Unruliness how, string reply)
    {
        await using var unruly = new UnrulySmtpServer(how);
        await using var smtp = new SmtpTransport(
            [new SmtpRelayOptions { Host = "127.0.0.1", Port = unruly.Port, Security = SmtpSecurity.None,
                TimeoutSeconds = 1 }],
            NullLogger<SmtpTransport>.Instance);
        var waited = System.Diagnostics.Stopwatch.StartNew();

        var result = await smtp.SendAsync(Message(1), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Outcome);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"took {waited.Elapsed}");
        Assert.Contains(reply, result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pickup_folder_gets_one_complete_eml_file_per_message()
    {
        var folder = Directory.CreateTempSubdirectory("communique-pickup-").FullName;
        try
        {
            var pickup = new PickupFolderTransport(folder);

            Assert.Equal(DeliveryOutcome.Accepted, (await pickup.SendAsync(Message(1), CancellationToken.None))
                .Outcome);
            Assert.Equal(DeliveryOutcome.Accepted, (await pickup.SendAsync(Message(2), CancellationToken.None))
                .Outcome);

            var files = Directory.GetFiles(folder);
            Assert.Equal(2, files.Length);
            Assert.All(files, f => Assert.EndsWith(".eml", f, StringComparison.Ordinal));
            // Names are version-7 uuids: two files of the same millisecond come in no particular order.
            var subjects = new List<string>();
            foreach (var file in files)
            {
                subjects.Add((await MimeMessage.LoadAsync(file)).Subject ?? "");
            }

            Assert.Equal(["Issue 1 — déjà vu", "Issue 2 — déjà vu"], subjects.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
