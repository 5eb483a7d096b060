using System.Security.Cryptography;
using System.Text;
using Communique.Assets.Storage;
using Communique.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Communique.Video;

// The images that records name by URL (a layer's Source), fetched by this server and never by a viewer's browser: only
// from the public internet unless Video:AllowedNetworks allows more (OutboundHttp's guard, safe against DNS
// rebinding), at most 5 MB, and only PNG, JPEG, GIF or WebP by their bytes that SkiaSharp can decode. A fetch's
// outcome, an image or a refusal, is kept in memory for a while by the URL's hash, so a player's requests and a
// campaign's renders that name the same picture fetch it once.
public sealed class VideoImages(OutboundHttp http, IOptions<VideoOptions> options) : IDisposable
{
    public const int MaxBytes = 5 * 1024 * 1024;

    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RefusalKept = TimeSpan.FromMinutes(1);

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = 128L * 1024 * 1024 });

    public sealed record Fetched(byte[]? Bytes, string? ContentType, string? Refusal);

    public async Task<Fetched> FetchAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)));
        if (_kept.TryGetValue(key, out Fetched? kept) && kept is not null)
        {
            return kept;
        }

        var fetched = await FetchOnceAsync(url, cancellationToken);
        _kept.Set(key, fetched, new MemoryCacheEntryOptions
        {
            Size = Math.Max(1, fetched.Bytes?.Length ?? 1),
            AbsoluteExpirationRelativeToNow = fetched.Bytes is null ? RefusalKept : Kept,
        });
        return fetched;
    }

    // The decoded image, or null when it cannot be had (the layer then draws nothing). The caller disposes it.
    public async Task<SKImage?> ImageAsync(string url, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(url, cancellationToken);
        return fetched.Bytes is null ? null : SKImage.FromEncodedData(fetched.Bytes);
    }

    public void Dispose() => _kept.Dispose();

    private async Task<Fetched> FetchOnceAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new Fetched(null, null, "The image's address is not a URL.");
        }

        var request = new OutboundRequest(HttpMethod.Get, uri, [new("Accept", "image/*")], null, null,
            TimeSpan.FromSeconds(options.Value.ImageTimeoutSeconds), MaxBytes, options.Value.Networks())
        {
            Binary = true,
        };
        var response = await http.SendAsync(request, cancellationToken);
        if (response.Failure != OutboundFailure.None)
        {
            return new Fetched(null, null, response.Reason);
        }

        if (response.Status != 200 || response.Bytes is not { } bytes)
        {
            return new Fetched(null, null, $"The image's address answered {response.Status}.");
        }

        var type = ContentSniffer.Sniff(bytes) switch
        {
            ContentFormat.Png => "image/png",
            ContentFormat.Jpeg => "image/jpeg",
            ContentFormat.Gif => "image/gif",
            ContentFormat.WebP => "image/webp",
            _ => null,
        };
        if (type is null)
        {
            return new Fetched(null, null, "The image's address did not give a PNG, JPEG, GIF or WebP image.");
        }

        using var codec = SKCodec.Create(new MemoryStream(bytes));
        return codec is null
            ? new Fetched(null, null, "The image could not be decoded.")
            : new Fetched(bytes, type, null);
    }
}
