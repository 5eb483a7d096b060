using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Communique.Push;

// The browser's two files, embedded in the assembly and read once: the SDK a site's page includes (Sdk/sdk.js) and
// the service worker a site copies to its root (Sdk/sw.js). Each ETag is a hash of the file's bytes, so a browser's
// cached copy is fetched again only when an upgrade changed it.
public static class PushScripts
{
    public const string ContentType = "text/javascript; charset=utf-8";

    public static ReadOnlyMemory<byte> Sdk { get; } = Read("Push.Sdk.sdk.js");

    public static EntityTagHeaderValue SdkTag { get; } = TagOf(Sdk);

    public static ReadOnlyMemory<byte> ServiceWorker { get; } = Read("Push.Sdk.sw.js");

    public static EntityTagHeaderValue ServiceWorkerTag { get; } = TagOf(ServiceWorker);

    private static EntityTagHeaderValue TagOf(ReadOnlyMemory<byte> bytes) =>
        new($"\"{Base64Url.EncodeToString(SHA256.HashData(bytes.Span).AsSpan(0, 16))}\"");

    private static byte[] Read(string name)
    {
        using var stream = typeof(PushScripts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the assembly.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
