using System.Globalization;
using System.IO.Compression;
using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Pdf;

// Writes a PDF page by page to a stream: each page's content is written when it is added, so memory stays flat
// however many pages; fonts (subset to the glyphs used) and the cross-reference table are written by Finish.
// Images and fonts are written once per file however many pages use them.
//
// The writer is our own rather than a library's because shaped text must be placed glyph by glyph with its mapping
// back to the characters, and because what is the same in every file (font subsets, encoded images, the colour
// profile) is kept as finished bytes. One writer serves one document on one thread; writers share only caches.
public sealed class PdfWriter : IDisposable
{
    public const string Producer = "Communique";

    private const int CatalogNumber = 1;
    private const int PagesNumber = 2;

    private static readonly Lazy<byte[]> s_compressedProfile = new(() => Compress(SrgbProfile.Bytes, optimal: true));

    private readonly PdfSettings _settings;
    private readonly PdfOutput _output;
    private readonly PdfContent _content;
    private readonly Dictionary<FontFace, PdfFont> _fonts = [];
    private readonly List<PdfFont> _fontOrder = [];
    private readonly Dictionary<PdfImage, (string Name, int Number)> _images = [];
    private readonly List<int> _pages = [];
    private bool _finished;

    public PdfWriter(Stream output, PdfSettings settings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _output = new PdfOutput(output);
        _content = new PdfContent(this);
        _output.Reserve();
        _output.Reserve();

        // The comment's bytes above 127 tell file transfer tools that the file is binary.
        _output.Buffer.Ascii("%PDF-1.7\n%").Raw([0xE2, 0xE3, 0xCF, 0xD3]).Ascii("\n");
    }

    public int PageCount => _pages.Count;

    public void AddPage(Page page) => AddPage(page, null);

    // Writes a page's first part now (drawn under the rest); the page is added by AddPage(rest, part).
    public PdfPagePart AddPart(Page page)
    {
        Check(page);
        _content.Draw(page);
        var contents = _output.Reserve();
        _output.CompressedStreamObject(contents, [], _content.Buffer.Span);
        return _content.Part(contents);
    }

    // Adds a page: what is drawn on it, after its first part when it has one written by AddPart.
    public void AddPage(Page page, PdfPagePart? first)
    {
        Check(page);
        _content.Draw(page);
        var contents = _output.Reserve();
        _output.CompressedStreamObject(contents, [], _content.Buffer.Span);
        if (first is not null)
        {
            _content.Include(first);
        }

        var number = _output.Reserve();
        var buffer = _output.BeginObject(number).Ascii("<</Type/Page/Parent ").Ref(PagesNumber)
            .Ascii("/MediaBox[0 0 ").Num(page.Width).Space().Num(page.Height).Ascii("]/Resources");
        _content.WriteResources(buffer);
        if (first is not null)
        {
            buffer.Ascii("/Contents[").Ref(first.Contents).Space().Ref(contents).Ascii("]");
        }
        else
        {
            buffer.Ascii("/Contents ").Ref(contents);
        }

        if (_content.Links.Count > 0)
        {
            buffer.Ascii("/Annots[");
            foreach (var link in _content.Links)
            {
                buffer.Ascii("<</Type/Annot/Subtype/Link/F 4/Border[0 0 0]/Rect[").Num(link.X).Space()
                    .Num(page.Height - link.Y - link.Height).Space().Num(link.X + link.Width).Space()
                    .Num(page.Height - link.Y).Ascii("]/A<</S/URI/URI").Literal(AsciiUri(link.Uri)).Ascii(">>>>");
            }

            buffer.Ascii("]");
        }

        buffer.Ascii(">>");
        _output.EndObject();
        _pages.Add(number);
    }

    private void Check(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!(page.Width > 0 && page.Height > 0 && float.IsFinite(page.Width) && float.IsFinite(page.Height)))
        {
            throw new ArgumentException(
                $"A page of {page.Width} x {page.Height} points cannot be written.", nameof(page));
        }
    }

    // Writes fonts, the page tree, the catalog, metadata and the cross-reference table; the stream is left open.
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_pages.Count == 0)
        {
            throw new InvalidOperationException("A PDF needs at least one page.");
        }

        _finished = true;
        foreach (var font in _fontOrder)
        {
            font.Write(_output);
        }

        var buffer = _output.BeginObject(PagesNumber).Ascii("<</Type/Pages/Count ").Int(_pages.Count).Ascii("/Kids[");
        for (var i = 0; i < _pages.Count; i++)
        {
            buffer.Ref(_pages[i]).Ascii(i + 1 < _pages.Count ? " " : "]>>");
        }

        _output.EndObject();
        var metadata = 0;
        var profile = 0;
        if (_settings.Archival)
        {
            metadata = _output.Reserve();
            _output.StreamObject(metadata, "/Type/Metadata/Subtype/XML"u8, XmpPacket.Build(_settings, Producer));
            profile = _output.Reserve();
            _output.StreamObject(profile, "/N 3/Filter/FlateDecode"u8, s_compressedProfile.Value);
        }

        var info = _output.Reserve();
        buffer = _output.BeginObject(info).Ascii("<<");
        Entry(buffer, "Title", _settings.Title);
        Entry(buffer, "Author", _settings.Author);
        Entry(buffer, "Subject", _settings.Subject);
        Entry(buffer, "Keywords", _settings.Keywords);
        Entry(buffer, "Creator", _settings.Creator);
        Entry(buffer, "Producer", Producer);
        buffer.Ascii("/CreationDate").Literal(PdfDate(_settings.Created)).Ascii(">>");
        _output.EndObject();

        buffer = _output.BeginObject(CatalogNumber).Ascii("<</Type/Catalog/Pages ").Ref(PagesNumber)
            .Ascii("/Lang").Text(_settings.Language);
        if (_settings.Title is not null)
        {
            buffer.Ascii("/ViewerPreferences<</DisplayDocTitle true>>");
        }

        if (_settings.Archival)
        {
            buffer.Ascii("/Metadata ").Ref(metadata).Ascii("/OutputIntents[<</Type/OutputIntent/S/GTS_PDFA1")
                .Ascii("/OutputConditionIdentifier").Literal(SrgbProfile.Name).Ascii("/Info")
                .Literal(SrgbProfile.Name).Ascii("/DestOutputProfile ").Ref(profile).Ascii(">>]");
        }

        buffer.Ascii(">>");
        _output.EndObject();
        _output.Close(CatalogNumber, info, System.Text.Encoding.ASCII.GetBytes(PdfDate(_settings.Created)));
    }

    public void Dispose()
    {
        _finished = true;
        _output.Dispose();
        _content.Dispose();
    }

    // Zlib (FlateDecode), for what is made once and cached (images, maps, the profile). Page content, made for each
    // document, is compressed at the fastest level (PdfOutput.CompressedStreamObject): a page's operators compress
    // nearly as well with it, in a fraction of the time.
    internal static byte[] Compress(ReadOnlySpan<byte> data, bool optimal = false)
    {
        using var compressed = new MemoryStream(data.Length / 3 + 64);
        using (var zlib = new ZLibStream(
            compressed, optimal ? CompressionLevel.Optimal : CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return compressed.ToArray();
    }

    internal PdfFont Font(FontFace face)
    {
        if (!_fonts.TryGetValue(face, out var font))
        {
            font = new PdfFont(face, "F" + (_fontOrder.Count + 1).ToString(CultureInfo.InvariantCulture),
                _output.Reserve());
            _fonts.Add(face, font);
            _fontOrder.Add(font);
        }

        return font;
    }

    // The image's name in page resources; its objects are written the first time a page shows it.
    internal (string Name, int Number) Image(ImageSource source, float width, float height)
    {
        var image = PdfImage.For(source, width, height, _settings.Archival);
        if (!_images.TryGetValue(image, out var written))
        {
            var mask = 0;
            if (image.Mask is { } alpha)
            {
                mask = _output.Reserve();
                _output.StreamObject(mask, alpha.Entries, alpha.Data);
            }

            var number = _output.Reserve();
            using var entries = new PdfBuffer(image.Entries.Length + 16);
            entries.Raw(image.Entries);
            if (mask != 0)
            {
                entries.Ascii("/SMask ").Ref(mask);
            }

            _output.StreamObject(number, entries.Span, image.Data);
            written = ("I" + (_images.Count + 1).ToString(CultureInfo.InvariantCulture), number);
            _images.Add(image, written);
        }

        return written;
    }

    private static void Entry(PdfBuffer buffer, string key, string? value)
    {
        if (value is not null)
        {
            buffer.Byte((byte)'/').Ascii(key).Text(value);
        }
    }

    private static string PdfDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"D:{date:yyyyMMddHHmmss}{sign}{offset.Hours:00}'{offset.Minutes:00}'");
    }

    // A URI in a PDF is 7-bit ASCII: characters beyond it are percent-encoded as UTF-8.
    private static string AsciiUri(string uri)
    {
        if (!uri.Any(c => c is <= ' ' or > '~'))
        {
            return uri;
        }

        var escaped = new System.Text.StringBuilder(uri.Length * 2);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(uri))
        {
            escaped.Append(b is > (byte)' ' and < 127 ? ((char)b).ToString() : $"%{b:X2}");
        }

        return escaped.ToString();
    }
}
