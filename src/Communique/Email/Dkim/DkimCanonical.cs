using System.Buffers;

namespace Communique.Email.Dkim;

// The relaxed canonicalisations of RFC 6376 §3.4.2 and §3.4.4, over a message exactly as it is written (CRLF line
// ends): what a verifier computes from the bytes it receives.
public static class DkimCanonical
{
    private const byte Space = (byte)' ';
    private const byte Tab = (byte)'\t';

    // One header field of a message: where its name and its value (after the colon, up to the field's last CRLF) lie.
    public readonly record struct Field(int NameStart, int NameLength, int ValueStart, int ValueEnd);

    // The header fields of a header block (the bytes before the empty line), in their order.
    public static List<Field> Fields(ReadOnlySpan<byte> headers)
    {
        var fields = new List<Field>(24);
        var at = 0;
        while (at < headers.Length)
        {
            // A field runs until a line that does not start with white space (folding) or the end of the block.
            var end = at;
            do
            {
                var lineEnd = headers[end..].IndexOf("\r\n"u8);
                end = lineEnd < 0 ? headers.Length : end + lineEnd + 2;
            }
            while (end < headers.Length && headers[end] is Space or Tab);

            var colon = headers[at..end].IndexOf((byte)':');
            if (colon > 0)
            {
                var valueEnd = end >= at + 2 && headers[end - 2] == '\r' && headers[end - 1] == '\n' ? end - 2 : end;
                fields.Add(new Field(at, colon, at + colon + 1, valueEnd));
            }

            at = end;
        }

        return fields;
    }

    // `name:value` CRLF with the name in lower case, the value unfolded, runs of white space made one space and white
    // space removed at both ends of the value and before the colon; without the CRLF for the signature's own field.
    public static void Header(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, IBufferWriter<byte> output,
        bool crlf = true)
    {
        name = name.TrimEnd(" \t"u8);
        var span = output.GetSpan(name.Length + value.Length + 3);
        var n = 0;
        foreach (var b in name)
        {
            span[n++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        span[n++] = (byte)':';
        var pendingSpace = false;
        var any = false;
        foreach (var b in value)
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            if (b is Space or Tab)
            {
                pendingSpace = any;
                continue;
            }

            if (pendingSpace)
            {
                span[n++] = Space;
                pendingSpace = false;
            }

            span[n++] = b;
            any = true;
        }

        if (crlf)
        {
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
        }

        output.Advance(n);
    }

    // The body: every line with its runs of white space made one space and none at its end, and no empty lines at the
    // end of the body; a body that is not empty ends with CRLF.
    public static void Body(ReadOnlySpan<byte> body, IBufferWriter<byte> output)
    {
        var emptyLines = 0;
        while (!body.IsEmpty)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? body : body[..lineEnd];
            body = lineEnd < 0 ? [] : body[(lineEnd + 2)..];
            line = line.TrimEnd(" \t"u8);
            if (line.IsEmpty)
            {
                emptyLines++;
                continue;
            }

            var span = output.GetSpan((emptyLines * 2) + line.Length + 2);
            var n = 0;
            for (; emptyLines > 0; emptyLines--)
            {
                span[n++] = (byte)'\r';
                span[n++] = (byte)'\n';
            }

            // Most lines have neither tabs nor runs of spaces: copied as they are.
            if (line.IndexOf(Tab) < 0 && line.IndexOf("  "u8) < 0)
            {
                line.CopyTo(span[n..]);
                n += line.Length;
            }
            else
            {
                var previousSpace = false;
                foreach (var b in line)
                {
                    var space = b is Space or Tab;
                    if (!space || !previousSpace)
                    {
                        span[n++] = space ? Space : b;
                    }

                    previousSpace = space;
                }
            }

            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            output.Advance(n);
        }
    }
}
