using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Unicode;

namespace Communique.Assets.Storage;

// Decides what a file is from its first bytes (magic numbers from the formats' public
// specifications) and whether that matches what the upload declared. The rules are an allow-list:
// bytes of no recognised format are refused, so the dangerous formats are named only to give a
// clear reason, not to keep them out.
public static class ContentSniffer
{
    // Room for an XML prolog and comments before an <svg> root, and for a PE header's offset.
    public const int HeadLength = 8192;

    // ServedAs: the type to store and serve the bytes as, where the format alone does not tell (an MP4 is video or
    // sound) and an alias of the declared type is not the usual name (audio/x-m4a is audio/mp4).
    private sealed record Allowed(AssetKind[] Kinds, ContentFormat[] Formats, string? ServedAs = null);

    private static readonly AssetKind[] ImageOrAttachment = [AssetKind.Image, AssetKind.Attachment];
    private static readonly AssetKind[] Font = [AssetKind.Font];
    private static readonly AssetKind[] Video = [AssetKind.Video];
    private static readonly AssetKind[] Audio = [AssetKind.Audio];
    private static readonly ContentFormat[] Sfnt = [ContentFormat.TrueType, ContentFormat.OpenType];

    // A generic application/zip is not here: an archive can carry anything. Office files are ZIPs,
    // and the sniffer does not look inside them.
    private static readonly FrozenDictionary<string, Allowed> Declared = new Dictionary<string, Allowed>(
        StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = new(ImageOrAttachment, [ContentFormat.Png]),
        ["image/jpeg"] = new(ImageOrAttachment, [ContentFormat.Jpeg]),
        ["image/jpg"] = new(ImageOrAttachment, [ContentFormat.Jpeg]),
        ["image/gif"] = new(ImageOrAttachment, [ContentFormat.Gif]),
        ["image/webp"] = new(ImageOrAttachment, [ContentFormat.WebP]),
        // Only as an image: the asset API sanitises SVG images, and an attachment would bypass that.
        ["image/svg+xml"] = new([AssetKind.Image], [ContentFormat.Svg]),
        // TrueType and CFF outlines share the sfnt container and .ttf/.otf are used loosely for both.
        ["font/ttf"] = new(Font, Sfnt),
        ["font/otf"] = new(Font, Sfnt),
        ["font/sfnt"] = new(Font, Sfnt),
        ["application/font-sfnt"] = new(Font, Sfnt),
        ["application/x-font-ttf"] = new(Font, Sfnt),
        ["application/x-font-otf"] = new(Font, Sfnt),
        ["application/vnd.ms-opentype"] = new(Font, Sfnt),
        ["font/woff"] = new(Font, [ContentFormat.Woff]),
        ["application/font-woff"] = new(Font, [ContentFormat.Woff]),
        ["font/woff2"] = new(Font, [ContentFormat.Woff2]),
        ["application/pdf"] = new([AssetKind.Attachment], [ContentFormat.Pdf]),
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = new(
            [AssetKind.Attachment], [ContentFormat.Zip]),
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = new(
            [AssetKind.Attachment], [ContentFormat.Zip]),
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = new(
            [AssetKind.Attachment], [ContentFormat.Zip]),
        // JSON is text too; a one-line CSV such as [1,2] happens to be JSON.
        ["text/plain"] = new([AssetKind.Attachment], [ContentFormat.Text, ContentFormat.Json]),
        ["text/csv"] = new([AssetKind.Attachment], [ContentFormat.Text, ContentFormat.Json]),
        ["application/json"] = new([AssetKind.DesignScheme, AssetKind.Attachment], [ContentFormat.Json]),
        // The container says little about what it holds (an MP4 may be sound only), so the declared type decides
        // between video and audio and ffprobe then checks the streams (MediaProbe).
        ["video/mp4"] = new(Video, [ContentFormat.IsoMedia], "video/mp4"),
        ["video/quicktime"] = new(Video, [ContentFormat.IsoMedia], "video/quicktime"),
        ["video/webm"] = new(Video, [ContentFormat.Matroska], "video/webm"),
        ["video/ogg"] = new(Video, [ContentFormat.Ogg], "video/ogg"),
        ["audio/mp4"] = new(Audio, [ContentFormat.IsoMedia], "audio/mp4"),
        ["audio/x-m4a"] = new(Audio, [ContentFormat.IsoMedia], "audio/mp4"),
        ["audio/webm"] = new(Audio, [ContentFormat.Matroska], "audio/webm"),
        ["audio/ogg"] = new(Audio, [ContentFormat.Ogg], "audio/ogg"),
        ["audio/mpeg"] = new(Audio, [ContentFormat.Mp3], "audio/mpeg"),
        ["audio/wav"] = new(Audio, [ContentFormat.Wav], "audio/wav"),
        ["audio/x-wav"] = new(Audio, [ContentFormat.Wav], "audio/wav"),
        ["audio/wave"] = new(Audio, [ContentFormat.Wav], "audio/wav"),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // The WHATWG MIME sniffing standard's tags that make a browser treat text as HTML.
    private static readonly FrozenSet<string> HtmlTags = new[]
    {
        "html", "head", "body", "script", "iframe", "h1", "div", "font", "table", "a", "style",
        "title", "b", "br", "p", "meta", "link", "object", "embed", "frameset", "frame", "form", "img",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static async Task<ContentFormat> SniffAsync(Stream content, CancellationToken cancellationToken)
    {
        var head = ArrayPool<byte>.Shared.Rent(HeadLength);
        try
        {
            var read = await content.ReadAtLeastAsync(
                head.AsMemory(0, HeadLength), HeadLength, throwOnEndOfStream: false, cancellationToken);
            return Sniff(head.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    // Pass the first HeadLength bytes, or the whole content when it is shorter: a shorter head is
    // taken to be the whole file, so text cut in the middle of a character is then invalid.
    public static ContentFormat Sniff(ReadOnlySpan<byte> head)
    {
        var complete = head.Length < HeadLength;
        head = head[..Math.Min(head.Length, HeadLength)];
        var binary = SniffBinary(head);
        if (binary != ContentFormat.Unknown)
        {
            return binary;
        }

        return SniffText(head, complete);
    }

    public static ContentCheck Check(AssetKind kind, string declaredContentType, ReadOnlySpan<byte> head) =>
        Check(kind, declaredContentType, Sniff(head));

    public static ContentCheck Check(AssetKind kind, string declaredContentType, ContentFormat sniffed)
    {
        ArgumentNullException.ThrowIfNull(declaredContentType);
        var declared = declaredContentType.Split(';', 2)[0].Trim();
        if (IsDangerous(sniffed))
        {
            return new(sniffed, $"declared {declared} but the bytes are {Describe(sniffed)}");
        }

        if (!Declared.TryGetValue(declared, out var allowed))
        {
            return new(
                sniffed,
                $"{(declared.Length == 0 ? "an empty content type" : declared)} is not a type " +
                "the asset library accepts");
        }

        if (!allowed.Kinds.Contains(kind))
        {
            return new(sniffed, $"{declared} is not accepted as {Describe(kind)}");
        }

        if (!allowed.Formats.Contains(sniffed))
        {
            return new(sniffed, $"declared {declared} but the bytes are {Describe(sniffed)}");
        }

        var mediaType = allowed.ServedAs ?? sniffed switch
        {
            ContentFormat.Zip => declared.ToLowerInvariant(),
            ContentFormat.Text or ContentFormat.Json
                when declared.StartsWith("text/", StringComparison.OrdinalIgnoreCase) =>
                $"{declared.ToLowerInvariant()}; charset=utf-8",
            _ => MediaTypeOf(sniffed)!,
        };
        return new(sniffed, null, mediaType);
    }

    public static bool IsDangerous(ContentFormat format) => format is ContentFormat.WindowsExecutable
        or ContentFormat.LinuxExecutable or ContentFormat.MacExecutable or ContentFormat.Script or ContentFormat.Html;

    // The type to serve the bytes as; null for formats that are never stored.
    public static string? MediaTypeOf(ContentFormat format) => format switch
    {
        ContentFormat.Png => "image/png",
        ContentFormat.Jpeg => "image/jpeg",
        ContentFormat.Gif => "image/gif",
        ContentFormat.WebP => "image/webp",
        ContentFormat.Svg => "image/svg+xml",
        ContentFormat.TrueType => "font/ttf",
        ContentFormat.OpenType => "font/otf",
        ContentFormat.Woff => "font/woff",
        ContentFormat.Woff2 => "font/woff2",
        ContentFormat.Pdf => "application/pdf",
        ContentFormat.Zip => "application/zip",
        ContentFormat.Text => "text/plain; charset=utf-8",
        ContentFormat.Json => "application/json",
        ContentFormat.IsoMedia => "video/mp4",
        ContentFormat.Matroska => "video/webm",
        ContentFormat.Ogg => "audio/ogg",
        ContentFormat.Mp3 => "audio/mpeg",
        ContentFormat.Wav => "audio/wav",
        _ => null,
    };

    public static string Describe(ContentFormat format) => format switch
    {
        ContentFormat.Png => "a PNG image",
        ContentFormat.Jpeg => "a JPEG image",
        ContentFormat.Gif => "a GIF image",
        ContentFormat.WebP => "a WebP image",
        ContentFormat.Svg => "an SVG image",
        ContentFormat.TrueType => "a TrueType font",
        ContentFormat.OpenType => "an OpenType (CFF) font",
        ContentFormat.Woff => "a WOFF font",
        ContentFormat.Woff2 => "a WOFF2 font",
        ContentFormat.Pdf => "a PDF document",
        ContentFormat.Zip => "a ZIP archive",
        ContentFormat.Text => "UTF-8 text",
        ContentFormat.Json => "JSON",
        ContentFormat.IsoMedia => "an MP4/QuickTime file",
        ContentFormat.Matroska => "a WebM/Matroska file",
        ContentFormat.Ogg => "an Ogg file",
        ContentFormat.Mp3 => "an MP3 file",
        ContentFormat.Wav => "a WAV file",
        ContentFormat.WindowsExecutable => "a Windows executable (PE)",
        ContentFormat.LinuxExecutable => "a Linux executable (ELF)",
        ContentFormat.MacExecutable => "a macOS executable (Mach-O)",
        ContentFormat.Script => "a script (#!)",
        ContentFormat.Html => "HTML",
        _ => "of no recognised format (text must be UTF-8)",
    };

    private static string Describe(AssetKind kind) => kind switch
    {
        AssetKind.Image => "an image",
        AssetKind.Attachment => "an attachment",
        AssetKind.Font => "a font",
        AssetKind.DesignScheme => "a design scheme",
        AssetKind.Video => "a video",
        AssetKind.Audio => "audio",
        _ => kind.ToString(),
    };

    private static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> TrueTypeMagic => [0x00, 0x01, 0x00, 0x00];
    private static ReadOnlySpan<byte> ZipMagic => [(byte)'P', (byte)'K', 0x03, 0x04];
    private static ReadOnlySpan<byte> ElfMagic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ContentFormat SniffBinary(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(PngMagic))
        {
            return ContentFormat.Png;
        }

        if (head.StartsWith(JpegMagic))
        {
            return ContentFormat.Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ContentFormat.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ContentFormat.WebP;
        }

        // "true", "OTTO" and "wOFF" can begin text too, so the header after the tag must look like a font.
        if ((head.StartsWith(TrueTypeMagic) || head.StartsWith("true"u8)) && HasTableDirectory(head))
        {
            return ContentFormat.TrueType;
        }

        if (head.StartsWith("OTTO"u8) && HasTableDirectory(head))
        {
            return ContentFormat.OpenType;
        }

        if (head.StartsWith("wOFF"u8) && HasSfntFlavour(head))
        {
            return ContentFormat.Woff;
        }

        if (head.StartsWith("wOF2"u8) && HasSfntFlavour(head))
        {
            return ContentFormat.Woff2;
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return ContentFormat.Pdf;
        }

        var media = SniffMedia(head);
        if (media != ContentFormat.Unknown)
        {
            return media;
        }

        if (head.StartsWith(ZipMagic))
        {
            return ContentFormat.Zip;
        }

        if (head.StartsWith(ElfMagic))
        {
            return ContentFormat.LinuxExecutable;
        }

        // 32- and 64-bit in either byte order, and the universal ("fat") header, which Java class
        // files share.
        if (head.Length >= 4
            && BinaryPrimitives.ReadUInt32BigEndian(head)
                is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE or 0xCAFEBABE)
        {
            return ContentFormat.MacExecutable;
        }

        // "MZ" alone could begin a line of text; the DOS header's e_lfanew must point at "PE\0\0".
        if (head.StartsWith("MZ"u8) && head.Length >= 0x40)
        {
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(head[0x3C..]);
            if (offset <= (uint)(head.Length - 4) && head[(int)offset..].StartsWith("PE\0\0"u8))
            {
                return ContentFormat.WindowsExecutable;
            }
        }

        return ContentFormat.Unknown;
    }

    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];

    private static ContentFormat SniffMedia(ReadOnlySpan<byte> head)
    {
        // ISO BMFF opens with its ftyp box: a 32-bit size, then major brand, minor version and whole 4-byte
        // compatible brands. Text cannot make such a size: its first four bytes read as a number in the hundreds of
        // millions.
        if (head.Length >= 16 && head[4..8].SequenceEqual("ftyp"u8)
            && BinaryPrimitives.ReadUInt32BigEndian(head) is var size && size is >= 16 and <= 4096 && size % 4 == 0)
        {
            return ContentFormat.IsoMedia;
        }

        if (head.StartsWith(EbmlMagic))
        {
            return ContentFormat.Matroska;
        }

        // A page header: capture pattern, then stream structure version 0.
        if (head.Length >= 5 && head.StartsWith("OggS"u8) && head[4] == 0)
        {
            return ContentFormat.Ogg;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return ContentFormat.Wav;
        }

        // An ID3v2 tag (major version 2 to 4, a size of four 7-bit bytes) before the frames, or a first frame.
        if (head.Length >= 10 && head.StartsWith("ID3"u8) && head[3] is >= 2 and <= 4
            && (head[6] | head[7] | head[8] | head[9]) < 0x80)
        {
            return ContentFormat.Mp3;
        }

        return IsMp3FrameHeader(head) ? ContentFormat.Mp3 : ContentFormat.Unknown;
    }

    // An MPEG audio frame header: 11 sync bits, a version that is not the reserved one, layer III, and a bitrate and
    // sample rate that are not the invalid values. ADTS (AAC) shares the sync bits but has layer bits 00.
    private static bool IsMp3FrameHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && ((head[1] >> 3) & 0b11) != 0b01
        && ((head[1] >> 1) & 0b11) == 0b01 && (head[2] >> 4) != 0b1111 && ((head[2] >> 2) & 0b11) != 0b11;

    // An sfnt's numTables: real fonts have a few dozen; two text characters read as one are thousands.
    private static bool HasTableDirectory(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(head[4..]) is >= 1 and <= 512;

    private static bool HasSfntFlavour(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && (head[4..8].SequenceEqual(TrueTypeMagic) || head[4..8].SequenceEqual("OTTO"u8)
            || head[4..8].SequenceEqual("true"u8) || head[4..8].SequenceEqual("ttcf"u8));

    private static ContentFormat SniffText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith(Utf8Bom))
        {
            head = head[3..];
        }

        var chars = new char[head.Length];
        var status = Utf8.ToUtf16(
            head, chars, out var consumed, out var written, replaceInvalidSequences: false, isFinalBlock: complete);
        if (status is not (OperationStatus.Done or OperationStatus.NeedMoreData))
        {
            return ContentFormat.Unknown;
        }

        var text = chars.AsSpan(0, written);
        foreach (var c in text)
        {
            if (c < 0x20 && c is not ('\t' or '\n' or '\r' or '\f'))
            {
                return ContentFormat.Unknown;
            }
        }

        if (text.StartsWith("#!"))
        {
            return ContentFormat.Script;
        }

        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('<'))
        {
            var markup = SniffMarkup(trimmed);
            if (markup != ContentFormat.Unknown)
            {
                return markup;
            }
        }

        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            if (IsJson(head[..consumed], complete))
            {
                return ContentFormat.Json;
            }
        }

        return ContentFormat.Text;
    }

    // Skips an XML prolog (declaration, processing instructions, comments, doctype) and names the
    // root element: <svg> makes SVG, an HTML tag makes HTML, anything else is left to the text rules.
    private static ContentFormat SniffMarkup(ReadOnlySpan<char> text)
    {
        while (true)
        {
            text = text.TrimStart();
            if (text.StartsWith("<?"))
            {
                var end = text.IndexOf("?>");
                if (end < 0)
                {
                    return ContentFormat.Unknown;
                }

                text = text[(end + 2)..];
            }
            else if (text.StartsWith("<!--"))
            {
                var end = text[4..].IndexOf("-->");
                if (end < 0)
                {
                    return ContentFormat.Unknown;
                }

                text = text[(4 + end + 3)..];
            }
            else if (text.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                var name = ElementName(text[9..].TrimStart());
                if (name.Equals("html", StringComparison.OrdinalIgnoreCase))
                {
                    return ContentFormat.Html;
                }

                // An internal subset ([ ... ]) may hold '>' inside declarations.
                var bracket = text.IndexOf('[');
                var close = text.IndexOf('>');
                if (bracket >= 0 && bracket < close)
                {
                    var subsetEnd = text.IndexOf("]");
                    close = subsetEnd < 0 ? -1 : text[subsetEnd..].IndexOf('>') + subsetEnd;
                }

                if (close < 0)
                {
                    return ContentFormat.Unknown;
                }

                text = text[(close + 1)..];
            }
            else if (text.StartsWith('<'))
            {
                var name = ElementName(text[1..]);
                var local = name[(name.IndexOf(':') + 1)..];
                if (local.SequenceEqual("svg"))
                {
                    return ContentFormat.Svg;
                }

                return HtmlTags.GetAlternateLookup<ReadOnlySpan<char>>().Contains(local)
                    ? ContentFormat.Html : ContentFormat.Unknown;
            }
            else
            {
                return ContentFormat.Unknown;
            }
        }
    }

    private static readonly SearchValues<char> NameEnd = SearchValues.Create(" \t\r\n\f/>[");

    private static ReadOnlySpan<char> ElementName(ReadOnlySpan<char> text)
    {
        var end = text.IndexOfAny(NameEnd);
        return end < 0 ? text : text[..end];
    }

    private static bool IsJson(ReadOnlySpan<byte> utf8, bool complete)
    {
        var reader = new Utf8JsonReader(utf8, isFinalBlock: complete, state: default);
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
