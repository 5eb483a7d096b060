using System.Buffers.Binary;
using System.Text;

namespace Communique.Documents.Pdf;

// An ICC version 2 display profile for sRGB, computed from the colour space's published definition (IEC 61966-2-1:
// the primaries' and D65 white's chromaticities and the piecewise transfer curve), with the primaries adapted to
// the profile connection space's D50 white by the Bradford transform as ICC v2 profiles do. PDF/A's output intent
// embeds it. It is built once; the bytes are the same every time.
internal static class SrgbProfile
{
    public const string Name = "sRGB IEC61966-2.1";

    private const int HeaderSize = 128;
    private const int CurvePoints = 1024;

    private static readonly double[] s_d50 = [0.9642, 1.0, 0.8249];

    private static readonly Lazy<byte[]> s_bytes = new(Build);

    public static byte[] Bytes => s_bytes.Value;

    private static byte[] Build()
    {
        double[] red = [0.64, 0.33], green = [0.30, 0.60], blue = [0.15, 0.06], white = [0.3127, 0.3290];
        var whiteXyz = Xyz(white);
        var primaries = Columns(Xyz(red), Xyz(green), Xyz(blue));
        var scale = Multiply(Invert(primaries), whiteXyz);
        var bradford = new[,] { { 0.8951, 0.2664, -0.1614 }, { -0.7502, 1.7135, 0.0367 }, { 0.0389, -0.0685, 1.0296 } };
        var source = Multiply(bradford, whiteXyz);
        var target = Multiply(bradford, s_d50);
        var adapt = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            adapt[i, i] = target[i] / source[i];
        }

        var toD50 = Multiply(Multiply(Invert(bradford), adapt), bradford);
        var rgbToXyz = new double[3, 3];
        for (var row = 0; row < 3; row++)
        {
            for (var column = 0; column < 3; column++)
            {
                rgbToXyz[row, column] = primaries[row, column] * scale[column];
            }
        }

        var adapted = Multiply(toD50, rgbToXyz);
        var tags = new List<(string Signature, byte[] Data)>
        {
            ("desc", Description(Name)),
            ("cprt", Text("No copyright, use freely")),
            ("wtpt", XyzType(whiteXyz)),
            ("rXYZ", XyzType([adapted[0, 0], adapted[1, 0], adapted[2, 0]])),
            ("gXYZ", XyzType([adapted[0, 1], adapted[1, 1], adapted[2, 1]])),
            ("bXYZ", XyzType([adapted[0, 2], adapted[1, 2], adapted[2, 2]])),
            ("rTRC", Curve()),
            ("gTRC", []),
            ("bTRC", []),
        };
        return Assemble(tags);
    }

    // Header, tag table and tag data; an empty tag shares the data of the tag before it (the three curves).
    private static byte[] Assemble(List<(string Signature, byte[] Data)> tags)
    {
        var offset = HeaderSize + 4 + tags.Count * 12;
        var placed = new List<(string Signature, int Offset, int Size)>();
        using var data = new MemoryStream();
        foreach (var (signature, bytes) in tags)
        {
            if (bytes.Length == 0)
            {
                placed.Add((signature, placed[^1].Offset, placed[^1].Size));
                continue;
            }

            placed.Add((signature, offset + (int)data.Length, bytes.Length));
            data.Write(bytes);
            while (data.Length % 4 != 0)
            {
                data.WriteByte(0);
            }
        }

        var profile = new byte[offset + data.Length];
        var span = profile.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)profile.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], 0x02100000);
        Encoding.ASCII.GetBytes("mntrRGB XYZ ", span[12..]);
        ushort[] date = [2026, 1, 1, 0, 0, 0];
        for (var i = 0; i < date.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[(24 + i * 2)..], date[i]);
        }

        Encoding.ASCII.GetBytes("acsp", span[36..]);
        WriteXyz(span[68..], s_d50);
        BinaryPrimitives.WriteUInt32BigEndian(span[HeaderSize..], (uint)placed.Count);
        for (var i = 0; i < placed.Count; i++)
        {
            var entry = span[(HeaderSize + 4 + i * 12)..];
            Encoding.ASCII.GetBytes(placed[i].Signature, entry);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], (uint)placed[i].Offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)placed[i].Size);
        }

        data.ToArray().CopyTo(span[offset..]);
        return profile;
    }

    // textDescriptionType: an ASCII description, with empty Unicode and ScriptCode parts.
    private static byte[] Description(string text)
    {
        var bytes = new byte[12 + text.Length + 1 + 8 + 3 + 67];
        Encoding.ASCII.GetBytes("desc", bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)text.Length + 1);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(12));
        return bytes;
    }

    private static byte[] Text(string text)
    {
        var bytes = new byte[8 + text.Length + 1];
        Encoding.ASCII.GetBytes("text", bytes);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] XyzType(double[] xyz)
    {
        var bytes = new byte[20];
        Encoding.ASCII.GetBytes("XYZ ", bytes);
        WriteXyz(bytes.AsSpan(8), xyz);
        return bytes;
    }

    // sRGB's transfer function, sampled: linear near black, a 2.4 power above.
    private static byte[] Curve()
    {
        var bytes = new byte[12 + CurvePoints * 2];
        Encoding.ASCII.GetBytes("curv", bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), CurvePoints);
        for (var i = 0; i < CurvePoints; i++)
        {
            var v = i / (double)(CurvePoints - 1);
            var linear = v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(12 + i * 2), (ushort)Math.Round(linear * 65535));
        }

        return bytes;
    }

    private static void WriteXyz(Span<byte> span, double[] xyz)
    {
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[(i * 4)..], (int)Math.Round(xyz[i] * 65536));
        }
    }

    private static double[] Xyz(double[] xy) => [xy[0] / xy[1], 1, (1 - xy[0] - xy[1]) / xy[1]];

    private static double[,] Columns(double[] a, double[] b, double[] c)
    {
        var m = new double[3, 3];
        for (var row = 0; row < 3; row++)
        {
            m[row, 0] = a[row];
            m[row, 1] = b[row];
            m[row, 2] = c[row];
        }

        return m;
    }

    private static double[] Multiply(double[,] m, double[] v) =>
    [
        m[0, 0] * v[0] + m[0, 1] * v[1] + m[0, 2] * v[2],
        m[1, 0] * v[0] + m[1, 1] * v[1] + m[1, 2] * v[2],
        m[2, 0] * v[0] + m[2, 1] * v[1] + m[2, 2] * v[2],
    ];

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (var row = 0; row < 3; row++)
        {
            for (var column = 0; column < 3; column++)
            {
                m[row, column] = a[row, 0] * b[0, column] + a[row, 1] * b[1, column] + a[row, 2] * b[2, column];
            }
        }

        return m;
    }

    private static double[,] Invert(double[,] m)
    {
        var determinant = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
            - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var inverse = new double[3, 3];
        for (var row = 0; row < 3; row++)
        {
            for (var column = 0; column < 3; column++)
            {
                // The cofactor of the transposed position, by cyclic indices.
                int r1 = (column + 1) % 3, r2 = (column + 2) % 3, c1 = (row + 1) % 3, c2 = (row + 2) % 3;
                inverse[row, column] = (m[r1, c1] * m[r2, c2] - m[r1, c2] * m[r2, c1]) / determinant;
            }
        }

        return inverse;
    }
}
