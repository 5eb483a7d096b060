using Communique.Assets.Storage;
using Communique.Data;
using Communique.Documents.Drawing;
using Communique.Documents.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Communique.Documents;

// The images and fonts of a document from the team's asset library: an image named in the markup by its asset id,
// or by its name in the communication's asset folder; every font of that folder, ahead of the bundled ones. What is
// read and checked is kept by content hash (the same bytes make the same image, whoever uploaded them), so a batch
// reads each image and font once.
public sealed class DocumentAssets(IBlobStore blobs) : IDisposable
{
    private const long KeptBytes = 256L * 1024 * 1024;

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = KeptBytes });

    // The images by markup name and the fonts; DocumentException naming an image that is not there.
    public async Task<DocumentResources> LoadAsync(
        AppDb db, Guid? folderId, IReadOnlySet<string> imageNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(imageNames);
        var images = new Dictionary<string, ImageSource>(StringComparer.Ordinal);
        foreach (var name in imageNames)
        {
            var asset = Guid.TryParse(name, out var id)
                ? await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
                : folderId is { } folder
                    ? await db.Assets.AsNoTracking()
                        .FirstOrDefaultAsync(a => a.FolderId == folder && a.Name == name, cancellationToken)
                    : null;
            if (asset is null)
            {
                throw new DocumentException(folderId is null && !Guid.TryParse(name, out _)
                    ? $"The image '{name}' is named, but the communication has no asset folder; name it by its id."
                    : $"The image '{name}' is not an asset of this team's communication.");
            }

            images[name] = await KeptAsync(asset.Hash, asset.Length, ImageSource.Load, cancellationToken);
        }

        return new DocumentResources(images, await FontsAsync(db, folderId, cancellationToken));
    }

    // Every image and font of an asset folder, the images by name and by id: what a document attached to each message
    // of a send is made with, read once for the whole send.
    public async Task<DocumentResources> LoadFolderAsync(
        AppDb db, Guid? folderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var images = new Dictionary<string, ImageSource>(StringComparer.Ordinal);
        if (folderId is { } folder)
        {
            var assets = await db.Assets.AsNoTracking()
                .Where(a => a.FolderId == folder && a.Kind == AssetKind.Image)
                .Select(a => new { a.Id, a.Name, a.Hash, a.Length }).ToListAsync(cancellationToken);
            foreach (var asset in assets)
            {
                ImageSource image;
                try
                {
                    image = await KeptAsync(asset.Hash, asset.Length, ImageSource.Load, cancellationToken);
                }
                catch (DocumentException)
                {
                    // An image this engine cannot draw fails only the documents that show it.
                    continue;
                }

                images[asset.Name] = image;
                images[asset.Id.ToString()] = image;
            }
        }

        return new DocumentResources(images, await FontsAsync(db, folderId, cancellationToken));
    }

    public void Dispose() => _kept.Dispose();

    private async Task<FontLibrary> FontsAsync(AppDb db, Guid? folderId, CancellationToken cancellationToken)
    {
        if (folderId is not { } folder)
        {
            return FontLibrary.Bundled;
        }

        // WOFF and WOFF2 fonts serve web pages and email; documents embed the TrueType and OpenType ones.
        var fonts = await db.Assets.AsNoTracking()
            .Where(a => a.FolderId == folder && a.Kind == AssetKind.Font
                && (a.ContentType == "font/ttf" || a.ContentType == "font/otf"))
            .OrderBy(a => a.Name)
            .Select(a => new { a.Name, a.Hash, a.Length }).ToListAsync(cancellationToken);
        if (fonts.Count == 0)
        {
            return FontLibrary.Bundled;
        }

        var key = "fonts:" + string.Join(',', fonts.Select(f => f.Hash));
        if (_kept.TryGetValue(key, out FontLibrary? library) && library is not null)
        {
            return library;
        }

        var faces = new List<FontFace>(fonts.Count);
        foreach (var font in fonts)
        {
            try
            {
                faces.Add(FontFace.Load(await ReadAsync(font.Hash, font.Length, cancellationToken)));
            }
            catch (DocumentException e)
            {
                throw new DocumentException($"The font '{font.Name}' in the asset folder cannot be used: {e.Message}");
            }
        }

        library = FontLibrary.Bundled.WithFaces(faces);
        _kept.Set(key, library, new MemoryCacheEntryOptions { Size = Math.Max(1, fonts.Sum(f => f.Length)) });
        return library;
    }

    private async Task<T> KeptAsync<T>(
        string hash, long length, Func<byte[], T> make, CancellationToken cancellationToken)
        where T : class
    {
        var key = typeof(T).Name + ":" + hash;
        if (_kept.TryGetValue(key, out T? kept) && kept is not null)
        {
            return kept;
        }

        var made = make(await ReadAsync(hash, length, cancellationToken));
        _kept.Set(key, made, new MemoryCacheEntryOptions { Size = Math.Max(1, length) });
        return made;
    }

    private async Task<byte[]> ReadAsync(string hash, long length, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken)
            ?? throw new DocumentException("An asset of the document has lost its content; upload it again.");
        var bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
