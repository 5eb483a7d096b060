using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Communique.Tests.Infrastructure;

// A real SMTP server (the SmtpServer library) on a free loopback port. It keeps what it receives, parsed with
// MimeKit, and can be told how to answer the next messages (421, 451, 550 ...).
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly Store _store;

    private SmtpSink(int port, int keep)
    {
        Port = port;
        _store = new Store(keep);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.test")
            // The library's default ends a session two minutes after it began, refusing a message in flight with 554.
            .Endpoint(
                e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).SessionTimeout(TimeSpan.FromMinutes(30)))
            .MaxMessageSize(64 * 1024 * 1024)
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(CancellationToken.None);
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Received => _store.Received;

    // The bytes of each message kept, as the DATA command delivered them, less the CRLF that ends the last line (the
    // server takes it as the start of the terminating "CRLF.CRLF").
    public IReadOnlyCollection<byte[]> ReceivedBytes => _store.ReceivedBytes;

    // The envelope sender (MAIL FROM) of every message accepted, in order.
    public IReadOnlyCollection<string> EnvelopeSenders => _store.Senders;

    // Every message accepted, counted by envelope recipient (kept or not).
    public IReadOnlyDictionary<string, int> ArrivalsByRecipient => _store.Arrivals;

    public int Accepted => _store.Arrivals.Values.Sum();

    // Settings that make a test host deliver to this sink, links starting with https://mail.acme.example.
    public Dictionary<string, string?> RelaySettings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:PublicBaseUrl"] = "https://mail.acme.example",
            ["Mail:Relays:0:Host"] = "127.0.0.1",
            ["Mail:Relays:0:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Relays:0:Security"] = "None",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    // Connections that delivered at least one message.
    public int Sessions => _store.Sessions.Count;

    // Keeps the first `keep` messages parsed; all are counted. `port` to take over the port of a sink that stopped.
    public static async Task<SmtpSink> StartAsync(int keep = int.MaxValue, int? port = null)
    {
        var sink = new SmtpSink(port ?? FreePort(), keep);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, sink.Port);
                return sink;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(20);
            }
        }
    }

    // The next `count` messages get this reply instead of 250.
    public void AnswerNext(int count, SmtpReplyCode code, string text)
    {
        for (var i = 0; i < count; i++)
        {
            _store.Scripted.Enqueue(new SmtpResponse(code, text));
        }
    }

    public async Task<MimeMessage> WaitForAsync(int count, TimeSpan? within = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_store.Received.Count < count && waited.Elapsed < (within ?? TimeSpan.FromSeconds(10)))
        {
            await Task.Delay(20);
        }

        Assert.True(_store.Received.Count >= count, $"expected {count} messages, the sink has {_store.Received.Count}");
        return _store.Received.Last();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await Task.WhenAny(_running, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    private sealed class Store(int keep) : MessageStore
    {
        public ConcurrentDictionary<string, int> Arrivals { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<MimeMessage> Received { get; } = new();

        public ConcurrentQueue<byte[]> ReceivedBytes { get; } = new();

        public ConcurrentQueue<string> Senders { get; } = new();

        public ConcurrentQueue<SmtpResponse> Scripted { get; } = new();

        public ConcurrentDictionary<ISessionContext, bool> Sessions { get; } = new(ReferenceEqualityComparer.Instance);

        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            if (Scripted.TryDequeue(out var scripted))
            {
                return scripted;
            }

            Sessions.TryAdd(context, true);
            Senders.Enqueue($"{transaction.From.User}@{transaction.From.Host}");
            foreach (var to in transaction.To)
            {
                Arrivals.AddOrUpdate($"{to.User}@{to.Host}", 1, (_, n) => n + 1);
            }

            if (Received.Count >= keep)
            {
                return SmtpResponse.Ok;
            }

            var bytes = buffer.ToArray();
            ReceivedBytes.Enqueue(bytes);
            using var stream = new MemoryStream(bytes);
            Received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
