using System.Security.Cryptography;
using SkiaSharp;

namespace Communique.Documents.Drawing;

// An image as stored (PNG, JPEG or SVG bytes), checked once when loaded and shared by every document that shows it.
// Key identifies the content, so that writers can keep what they make of it (a PDF image object's bytes, a decoded
// bitmap) and reuse it in every document.
public sealed class ImageSource
{
    private ImageSource(
        byte[] data, ImageFormat format, int pixelWidth, int pixelHeight, SKPicture? picture = null,
        SvgVector? vector = null)
    {
        Picture = picture;
        Vector = vector;
        Data = data;
        Format = format;
        PixelWidth = pixelWidth;
        PixelHeight = pixelHeight;
        Key = Convert.ToHexString(SHA256.HashData(data));
    }

    public byte[] Data { get; }

    public ImageFormat Format { get; }

    public int PixelWidth { get; }

    public int PixelHeight { get; }

    public string Key { get; }

    // An SVG image drawn once, in CSS pixels from (0, 0) to its size, for writers to replay at any scale.
    internal SKPicture? Picture { get; }

    // The same SVG image as outlines, when it holds only what they can show; writers that draw vectors use it.
    internal SvgVector? Vector { get; }

    // Reads the image's kind and size; DocumentException when the bytes are not an image this engine draws.
    public static ImageSource Load(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length >= 8 && data[0] == 0x89 && data[1] == (byte)'P' && data[2] == (byte)'N' && data[3] == (byte)'G')
        {
            return Raster(data, ImageFormat.Png);
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return Raster(data, ImageFormat.Jpeg);
        }

        if (SvgReader.LooksLikeSvg(data))
        {
            var (picture, vector, width, height) = SvgReader.Read(data);
            return new ImageSource(data, ImageFormat.Svg, Math.Max(1, (int)Math.Round(width)),
                Math.Max(1, (int)Math.Round(height)), picture, vector);
        }

        throw new DocumentException("The image is not a PNG, JPEG or SVG image.");
    }

    private static ImageSource Raster(byte[] data, ImageFormat format)
    {
        using var skData = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(skData)
            ?? throw new DocumentException($"The image could not be read as {format.ToString().ToUpperInvariant()}.");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > 50_000_000)
        {
            throw new DocumentException(
                $"The image is {info.Width}x{info.Height} pixels; images are at most 50 megapixels.");
        }

        return new ImageSource(data, format, info.Width, info.Height);
    }
}
