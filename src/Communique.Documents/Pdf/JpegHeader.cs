namespace Communique.Documents.Pdf;

// The few facts a PDF needs to store a JPEG file as it is: its size, its number of colour components (from the
// start-of-frame segment) and whether Adobe's marker says CMYK samples are inverted.
internal static class JpegHeader
{
    public static (int Width, int Height, int Components, int Precision, bool Adobe) Read(ReadOnlySpan<byte> data)
    {
        var adobe = false;
        var at = 2;
        while (at + 4 <= data.Length)
        {
            if (data[at] != 0xFF)
            {
                break;
            }

            var marker = data[at + 1];
            if (marker is 0xFF)
            {
                at++;
                continue;
            }

            var length = data[at + 2] << 8 | data[at + 3];
            if (length < 2 || at + 2 + length > data.Length)
            {
                break;
            }

            var segment = data.Slice(at + 4, length - 2);
            if (marker == 0xEE && segment.Length >= 5 && segment[..5].SequenceEqual("Adobe"u8))
            {
                adobe = true;
            }

            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC) && segment.Length >= 6)
            {
                var height = segment[1] << 8 | segment[2];
                var width = segment[3] << 8 | segment[4];
                var components = segment[5];
                if (width > 0 && height > 0 && components is 1 or 3 or 4)
                {
                    return (width, height, components, segment[0], adobe);
                }

                break;
            }

            at += 2 + length;
        }

        throw new DocumentException("The JPEG image has no readable frame header.");
    }
}
