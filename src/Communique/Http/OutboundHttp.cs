using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Communique.Http;

// Sends requests to URLs that users gave (chat bots' REST actions) without letting them reach this server's own
// networks: private, loopback, link-local and metadata addresses are refused unless the caller allows the network.
// Every URL, the first and each redirect's, is checked before it is sent (a host name by resolving it; every address
// must pass), and ConnectCallback resolves the name again and connects only to addresses that pass, so a name whose
// answer changes in between (DNS rebinding) is still caught.
// Pooled connections are found by scheme, host and port, not by address: one opened to a private address for a caller
// allowed there would serve a later caller whose up-front check saw the same name resolve to a public address. So
// connections are pooled only for callers with no allowed networks (whose connections can only lead to public
// addresses), and closed after one exchange for the others.
// Redirects are followed here, not by the handler, so that each hop is checked. No proxy (the checks would judge the
// proxy, not the target), no cookies, no decompression (a small body can unpack to gigabytes), HTTP/1.1 only (HTTP/3
// runs over QUIC, which bypasses ConnectCallback). Nothing is logged, and the handlers are not IHttpClientFactory's,
// which log: bodies and header values may carry secrets.
public sealed class OutboundHttp : IDisposable
{
    public const int MaxRequestBodyBytes = 64 * 1024;
    public const int MaxRedirects = 5;

    private static readonly HttpRequestOptionsKey<IReadOnlyList<IPNetwork>> AllowedNetworks =
        new("Communique.OutboundHttp.AllowedNetworks");

    private static readonly HttpMethod[] Methods =
        [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete];

    // Headers that decide where a request goes or how its bytes are framed: those are ours to set.
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
        "Expect",
    };

    // Credentials for one site that another site must not receive when it is redirected to.
    private static readonly HashSet<string> Credentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Cookie",
    };

    private readonly TimeProvider _clock;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly HttpMessageInvoker _public;
    private readonly HttpMessageInvoker _allowed;

    public OutboundHttp(TimeProvider clock)
        : this(clock, Dns.GetHostAddressesAsync)
    {
    }

    // The tests resolve names themselves, to play a name whose answer changes.
    internal OutboundHttp(TimeProvider clock, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        _clock = clock;
        _resolve = resolve;
        // Pooled connections are renewed now and then, so that a name's new addresses are used (and checked);
        // a lifetime of zero closes each connection when its exchange ends.
        _public = new HttpMessageInvoker(Handler(TimeSpan.FromMinutes(2)));
        _allowed = new HttpMessageInvoker(Handler(TimeSpan.Zero));
    }

    public async Task<OutboundResponse> SendAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Malformed(request) is { } problem)
        {
            return OutboundResponse.Failed(OutboundFailure.BadRequest, problem);
        }

        var contentType = ContentType(request);
        byte[]? body = null;
        if (request.Body is not null)
        {
            body = Charset(contentType?.CharSet).GetBytes(request.Body);
            if (body.Length > MaxRequestBodyBytes)
            {
                return OutboundResponse.Failed(OutboundFailure.BadRequest,
                    $"The request body is larger than {MaxRequestBodyBytes / 1024} KiB.");
            }
        }

        using var timeout = new CancellationTokenSource(request.Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await ExchangeAsync(request, body, contentType, linked.Token);
        }
        catch (Exception e) when ((e is OperationCanceledException or HttpRequestException or IOException)
            && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var seconds = request.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return OutboundResponse.Failed(OutboundFailure.Timeout,
                $"No complete response came within {seconds} seconds.");
        }
    }

    public void Dispose()
    {
        _public.Dispose();
        _allowed.Dispose();
    }

    private async Task<OutboundResponse> ExchangeAsync(
        OutboundRequest request, byte[]? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        var method = request.Method;
        var url = request.Url;
        var headers = request.Headers;
        var invoker = request.AllowedNetworks.Count == 0 ? _public : _allowed;
        for (var redirects = 0; ; redirects++)
        {
            if (await CheckAsync(url, request.AllowedNetworks, cancellationToken) is { } refused)
            {
                return refused;
            }

            using var message = Message(method, url, headers, body, contentType, request.AllowedNetworks);
            try
            {
                using var response = await invoker.SendAsync(message, cancellationToken);
                if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
                {
                    return await ReadAsync(response, request.MaxResponseBytes, request.Binary, cancellationToken);
                }

                if (redirects == MaxRedirects)
                {
                    return OutboundResponse.Failed(OutboundFailure.Refused,
                        $"The address redirected more than {MaxRedirects} times.");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    return OutboundResponse.Failed(OutboundFailure.Refused,
                        $"The address redirected to a {next.Scheme} URL; only http and https are followed.");
                }

                if (next.UserInfo.Length > 0)
                {
                    return OutboundResponse.Failed(OutboundFailure.Refused,
                        "The address redirected to a URL with a user name or password, which is not followed.");
                }

                if (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
                    or HttpStatusCode.SeeOther)
                {
                    method = HttpMethod.Get;
                    body = null;
                }

                if (Uri.Compare(url, next, UriComponents.SchemeAndServer, UriFormat.UriEscaped,
                    StringComparison.OrdinalIgnoreCase) != 0)
                {
                    headers = [.. headers.Where(header => !Credentials.Contains(header.Key))];
                }

                url = next;
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                && !cancellationToken.IsCancellationRequested)
            {
                return Unreachable(url, e);
            }
        }
    }

    // Null when every address of the URL's host may be called.
    private async Task<OutboundResponse?> CheckAsync(
        Uri url, IReadOnlyList<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        string? refusal;
        try
        {
            refusal = await RefusalAsync(url.IdnHost, allowed, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return OutboundResponse.Failed(OutboundFailure.Network, $"The host {url.IdnHost} could not be found.");
        }

        return refusal is null ? null : OutboundResponse.Failed(OutboundFailure.Refused, refusal);
    }

    private async Task<string?> RefusalAsync(
        string host, IReadOnlyList<IPNetwork> allowed, CancellationToken cancellationToken)
    {
        var (addresses, literal) = await AddressesAsync(host, cancellationToken);
        return addresses.Select(address => OutboundAddresses.Refusal(address, allowed, literal ? null : host))
            .FirstOrDefault(refusal => refusal is not null);
    }

    private async Task<(IPAddress[] Addresses, bool Literal)> AddressesAsync(
        string host, CancellationToken cancellationToken)
    {
        var bare = host.TrimStart('[').TrimEnd(']');
        if (IPAddress.TryParse(bare, out var address)
            || (bare.Contains(':', StringComparison.Ordinal)
                && IPAddress.TryParse(Uri.UnescapeDataString(bare), out address)))
        {
            return ([address], true);
        }

        var addresses = await _resolve(bare, cancellationToken);
        return addresses.Length == 0 ? throw new SocketException((int)SocketError.HostNotFound) : (addresses, false);
    }

    // The connection for a request whose URL passed the up-front check: the name is resolved again, and a connection
    // is made only when every address it now resolves to passes too.
    private async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var allowed = context.InitialRequestMessage.Options.TryGetValue(AllowedNetworks, out var networks)
            ? networks
            : [];
        var (addresses, literal) = await AddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        foreach (var address in addresses)
        {
            if (OutboundAddresses.Refusal(address, allowed, literal ? null : context.DnsEndPoint.Host) is { } refusal)
            {
                throw new RefusedAddressException(refusal);
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

    private SocketsHttpHandler Handler(TimeSpan pooledConnectionLifetime) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = pooledConnectionLifetime,
        ConnectCallback = ConnectAsync,
    };

    private static HttpRequestMessage Message(
        HttpMethod method,
        Uri url,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        byte[]? body,
        MediaTypeHeaderValue? contentType,
        IReadOnlyList<IPNetwork> allowed)
    {
        var message = new HttpRequestMessage(method, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        message.Options.Set(AllowedNetworks, allowed);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = contentType;
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The request's own headers refuse those that describe content (Content-Language ...): they go with the
            // body, and without a body there is nothing for them to describe.
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (!message.Headers.Contains("User-Agent"))
        {
            message.Headers.TryAddWithoutValidation("User-Agent", "Communique");
        }

        return message;
    }

    private static async Task<OutboundResponse> ReadAsync(
        HttpResponseMessage response, int maxBytes, bool binary, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType;
        var tooLarge = new OutboundResponse(OutboundFailure.TooLarge,
            $"The response is larger than the {maxBytes} bytes allowed.", status, contentType?.ToString(), null);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            return tooLarge;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var received = new MemoryStream();
        var chunk = new byte[Math.Min(16 * 1024, maxBytes + 1)];
        while (true)
        {
            // Never more than one byte past the limit, which is enough to know that the limit was passed.
            var room = (int)Math.Min(chunk.Length, maxBytes + 1L - received.Length);
            var read = await stream.ReadAsync(chunk.AsMemory(0, room), cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.Write(chunk, 0, read);
            if (received.Length > maxBytes)
            {
                return tooLarge;
            }
        }

        if (binary)
        {
            return new OutboundResponse(OutboundFailure.None, null, status, contentType?.ToString(), null)
            {
                Bytes = received.ToArray(),
            };
        }

        var text = Charset(contentType?.CharSet).GetString(received.GetBuffer(), 0, (int)received.Length);
        return new OutboundResponse(OutboundFailure.None, null, status, contentType?.ToString(), text);
    }

    private static OutboundResponse Unreachable(Uri url, Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is RefusedAddressException refused)
            {
                return OutboundResponse.Failed(OutboundFailure.Refused, refused.Message);
            }
        }

        var host = url.IdnHost;
        var error = exception switch
        {
            HttpRequestException request => request.HttpRequestError,
            HttpIOException reading => reading.HttpRequestError,
            _ => HttpRequestError.Unknown,
        };
        var reason = error switch
        {
            HttpRequestError.NameResolutionError => $"The host {host} could not be found.",
            HttpRequestError.ConnectionError => $"No connection could be made to {host}.",
            HttpRequestError.SecureConnectionError => $"No secure (TLS) connection could be made to {host}.",
            HttpRequestError.ResponseEnded => $"{host} closed the connection before its response was complete.",
            HttpRequestError.InvalidResponse => $"{host} did not answer with valid HTTP.",
            _ => $"The request to {host} failed: {exception.Message}",
        };
        return OutboundResponse.Failed(OutboundFailure.Network, reason);
    }

    private static string? Malformed(OutboundRequest request)
    {
        if (!request.Url.IsAbsoluteUri
            || (request.Url.Scheme != Uri.UriSchemeHttp && request.Url.Scheme != Uri.UriSchemeHttps))
        {
            return "Only http and https URLs can be called.";
        }

        if (request.Url.UserInfo.Length > 0)
        {
            return "The URL may not carry a user name or password; send them in an Authorization header.";
        }

        if (!Methods.Contains(request.Method))
        {
            return $"The method {request.Method} is not supported; use GET, POST, PUT, PATCH or DELETE.";
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                return "A header name may only hold letters, digits and the characters !#$%&'*+-.^_`|~.";
            }

            if (Forbidden.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                return $"The {name} header is set by Communique and may not be given.";
            }

            if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                return $"The value of the {name} header may not hold line breaks.";
            }
        }

        if (ContentTypeText(request) is { } text && !MediaTypeHeaderValue.TryParse(text, out _))
        {
            return $"The content type \"{text}\" is not valid.";
        }

        if (request.Timeout <= TimeSpan.Zero || request.Timeout > TimeSpan.FromDays(1))
        {
            return "The timeout must be longer than zero and at most a day.";
        }

        return request.MaxResponseBytes is < 0 or >= int.MaxValue
            ? "The response limit must be zero or more bytes, and less than 2 GiB."
            : null;
    }

    // The ContentType field, or else a Content-Type header.
    private static string? ContentTypeText(OutboundRequest request) =>
        request.ContentType ?? request.Headers
            .FirstOrDefault(header => header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;

    private static MediaTypeHeaderValue? ContentType(OutboundRequest request) =>
        ContentTypeText(request) is { } text ? MediaTypeHeaderValue.Parse(text) : null;

    private static Encoding Charset(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect
        or HttpStatusCode.PermanentRedirect;

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    private sealed class RefusedAddressException(string reason) : Exception(reason);
}
