using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A Web Push service for benchmarks, in its own process so that the server's CPU is measured without it: HTTPS on
// 127.0.0.1 (HTTP/1.1 and HTTP/2), a self-signed certificate made at start and written as PEM for the server's
// Push:TrustedCertificates. Every POST is answered 201 as a push service takes a message (RFC 8030 §5), after a
// look at the body's aes128gcm header (RFC 8188 §2.1: salt 16, rs 4096, idlen 65 and an uncompressed P-256 point, as
// RFC 8291 §4 fixes them) and at the VAPID authorization (RFC 8292): a request that fails them is answered 400, so
// the send's report shows it. GET /stats gives the counts as JSON. It stops by itself after the given time.
//
//   push-service serve <port> <certificate.pem> [seconds]
//   push-service keys <count>     prints <count> subscription keys: "p256dh auth" (base64url) a line
if (args is ["keys", var count])
{
    Keys.Print(int.Parse(count, CultureInfo.InvariantCulture));
    return 0;
}

if (args is not ["serve", var portText, var pemPath, ..])
{
    await Console.Error.WriteLineAsync("usage: push-service serve <port> <certificate.pem> [seconds] | keys <count>");
    return 2;
}

var port = int.Parse(portText, CultureInfo.InvariantCulture);
var lifetime = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1800);
using var certificate = Loopback.Certificate();
await File.WriteAllTextAsync(pemPath, certificate.ExportCertificatePem());

var counts = new Counts();
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    // The server under test opens up to Push:Parallelism connections; HTTP/2 may carry as many streams on one.
    kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
    kestrel.Listen(IPAddress.Loopback, port, listen =>
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(certificate);
        listen.Use(next => connection =>
        {
            Interlocked.Increment(ref counts.Connections);
            return next(connection);
        });
    });
});
var app = builder.Build();
app.MapGet("/stats", () => counts.Json());
app.MapPost("/{**path}", async (HttpContext context) =>
{
    var (bytes, shaped) = await Body.ReadAsync(context.Request.BodyReader, context.RequestAborted);
    var request = context.Request;
    var encoded = string.Equals(request.Headers.ContentEncoding, "aes128gcm", StringComparison.OrdinalIgnoreCase);
    var signed = request.Headers.Authorization.ToString().StartsWith("vapid t=", StringComparison.Ordinal)
        && request.Headers.ContainsKey("TTL");
    counts.Add(bytes, request.Protocol == "HTTP/2", encoded && shaped && signed);
    if (!(encoded && shaped && signed))
    {
        return Results.BadRequest("not an aes128gcm Web Push message with VAPID authorization");
    }

    return Results.Created(
        "/m/" + Interlocked.Read(ref counts.Requests).ToString(CultureInfo.InvariantCulture), null);
});

using var stop = new CancellationTokenSource(lifetime);
await app.StartAsync(stop.Token);
await app.WaitForShutdownAsync(stop.Token);
return 0;

internal sealed class Counts
{
    public long Requests;
    public long Bytes;
    public long Malformed;
    public long Http2;
    public long Connections;

    public void Add(long bytes, bool http2, bool wellFormed)
    {
        Interlocked.Increment(ref Requests);
        Interlocked.Add(ref Bytes, bytes);
        if (http2)
        {
            Interlocked.Increment(ref Http2);
        }

        if (!wellFormed)
        {
            Interlocked.Increment(ref Malformed);
        }
    }

    // Written by hand: the counters are read once each, and the slim builder has no reflection-based serializer.
    public string Json() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"requests\":{Interlocked.Read(ref Requests)},\"bytes\":{Interlocked.Read(ref Bytes)},"
        + $"\"malformed\":{Interlocked.Read(ref Malformed)},\"http2\":{Interlocked.Read(ref Http2)},"
        + $"\"connections\":{Interlocked.Read(ref Connections)}}}");
}

internal static class Body
{
    private const int HeaderLength = 16 + 4 + 1 + 65;

    // The body is read whole (counted) but only its header is looked at: decrypting would need the subscription's
    // private key and cost the service more CPU than the server spends encrypting.
    public static async Task<(long Bytes, bool Shaped)> ReadAsync(PipeReader reader, CancellationToken cancellation)
    {
        var header = new byte[HeaderLength];
        long total = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellation);
            var buffer = read.Buffer;
            if (total < HeaderLength)
            {
                var wanted = (int)Math.Min(HeaderLength - total, buffer.Length);
                buffer.Slice(0, wanted).CopyTo(header.AsSpan((int)total));
            }

            total += buffer.Length;
            reader.AdvanceTo(buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        // Past the header at least one record: 16 bytes of tag and a padding delimiter.
        var shaped = total >= HeaderLength + 17
            && BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16, 4)) == 4096
            && header[20] == 65 && header[21] == 0x04;
        return (total, shaped);
    }
}

internal static class Loopback
{
    // For 127.0.0.1 by address: the server checks the name against the URL's host, as it would a real service's.
    public static X509Certificate2 Certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=push-service.bench", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
        // Kestrel on Linux needs a key it can hand to OpenSSL: one that came through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}

internal static class Keys
{
    // Real keys: the server checks that p256dh is a point on the curve and encrypts for it; the private halves are
    // not kept (the service never decrypts).
    public static void Print(int count)
    {
        using var output = new StreamWriter(Console.OpenStandardOutput());
        Span<byte> point = stackalloc byte[65];
        for (var i = 0; i < count; i++)
        {
            using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var q = key.ExportParameters(false).Q;
            point[0] = 0x04;
            q.X!.CopyTo(point[1..]);
            q.Y!.CopyTo(point[33..]);
            output.Write(Base64Url.EncodeToString(point));
            output.Write(' ');
            output.WriteLine(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
        }
    }
}
