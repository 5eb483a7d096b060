using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Communique.Http;
using Microsoft.Extensions.Options;

namespace Communique.Push;

// The one HTTP client every push transport sends through. Push services are reached at addresses users gave (a
// subscription's endpoint), so the connection is made here: the name is resolved and every address must be public
// (or on a network the operator allowed), checked again at each connection, as OutboundHttp does for chat bots.
// Connections are pooled (a campaign sends to few push services, many times each) and HTTP/2 is used where the
// service offers it (APNs asks for it). No redirects, cookies, proxy or decompression; a response body is never
// read beyond MaxResponseBytes, however much the service sends.
public sealed class PushHttp : IDisposable
{
    public const int MaxResponseBytes = 16 * 1024;

    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly X509Certificate2Collection _roots = [];

    public PushHttp(IOptions<PushOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var push = options.Value;
        _allowed = push.Networks();
        if (push.TrustedCertificates is { Length: > 0 } path)
        {
            _roots.ImportFromPemFile(path);
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = push.Parallelism,
            ConnectCallback = ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Trusted },
        };
        Client = new HttpClient(new BoundedResponses(handler))
        {
            Timeout = TimeSpan.FromSeconds(push.RequestTimeoutSeconds),
            MaxResponseContentBufferSize = MaxResponseBytes,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    public HttpClient Client { get; }

    // Null when the URL may be sent to as far as can be told without connecting; otherwise why not.
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "A push service is reached over HTTPS only.";
        }

        try
        {
            var (addresses, literal) = await AddressesAsync(url.IdnHost, cancellationToken);
            return addresses.Select(a => OutboundAddresses.Refusal(a, _allowed, literal ? null : url.IdnHost))
                .FirstOrDefault(r => r is not null);
        }
        catch (SocketException)
        {
            return $"{url.IdnHost} does not resolve.";
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        foreach (var root in _roots)
        {
            root.Dispose();
        }
    }

    private static async Task<(IPAddress[] Addresses, bool Literal)> AddressesAsync(
        string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? ([literal], true)
            : (await Dns.GetHostAddressesAsync(host, cancellationToken), false);

    private async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var (addresses, literal) = await AddressesAsync(host, cancellationToken);
        foreach (var address in addresses)
        {
            if (OutboundAddresses.Refusal(address, _allowed, literal ? null : host) is { } refusal)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, refusal);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // The system's trust, or a chain that ends at one of the operator's roots (with the name still checked).
    private bool Trusted(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (_roots.Count == 0 || certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(presented);
    }

    // Replaces each response's body with one that ends after MaxResponseBytes: an error answer is read whole by the
    // push client, and a hostile endpoint could otherwise send gigabytes.
    private sealed class BoundedResponses(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = response.Content;
            var bounded = new StreamContent(
                new Bounded(await body.ReadAsStreamAsync(cancellationToken), MaxResponseBytes));
            foreach (var header in body.Headers)
            {
                bounded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            bounded.Headers.ContentLength = null;
            response.Content = bounded;
            return response;
        }
    }

    private sealed class Bounded(Stream inner, int limit) : Stream
    {
        private int _left = limit;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = _left == 0 ? 0 : inner.Read(buffer[..Math.Min(buffer.Length, _left)]);
            _left -= read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = _left == 0
                ? 0
                : await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }

        public override Task<int> ReadAsync(
            byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
