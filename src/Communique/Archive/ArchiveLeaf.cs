using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Communique.Archive;

// The bytes an entry's log leaf is the hash of: the entry's identity and the SHA-256 of its content, one field per
// line in a fixed order (UTF-8, lines ended by a line feed). docs/archive.md gives the format, so that anyone holding
// an entry can recompute its leaf hash. No field can hold a line feed: ids, numbers, hex, a time, a validated
// address and a media type; the metadata is there as the SHA-256 of its JSON text.
public static class ArchiveLeaf
{
    public const string Format = "communique-archive-entry-1";

    private static readonly FrozenDictionary<Communications.Channel, string> ChannelNames =
        Enum.GetValues<Communications.Channel>().ToFrozenDictionary(c => c, c => c.ToString().ToLowerInvariant());

    public static byte[] Bytes(ArchiveEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var recipient = entry.Recipient ?? "";
        // Every field but these three is ASCII of a known greatest length (ids, numbers, hex, a time).
        var most = 640
                   + Encoding.UTF8.GetMaxByteCount(recipient.Length + entry.ContentType.Length + entry.Sha256.Length);
        var lines = new Lines(most <= 2048 ? stackalloc byte[2048] : new byte[most]);
        lines.Add(Format);
        lines.Add(entry.Id);
        lines.Add(entry.TeamId);
        lines.Add(entry.LeafIndex);
        lines.Add(ChannelNames[entry.Channel]);
        lines.Add(entry.SendId);
        lines.Add(entry.MessageId);
        lines.AddText(recipient);
        lines.Add(entry.CampaignId);
        lines.Add(entry.CommunicationId);
        lines.Add(entry.CommunicationVersion);
        lines.Add(entry.RecordUuid);
        lines.Add(entry.CreatedAt);
        lines.AddText(entry.ContentType);
        lines.Add(entry.Size);
        lines.AddText(entry.Sha256);
        if (entry.Metadata is { } metadata)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(Encoding.UTF8.GetBytes(metadata), hash);
            lines.AddHex(hash);
        }
        else
        {
            lines.Add("");
        }

        return lines.Written.ToArray();
    }

    // UTF-8 lines, each ended by a line feed, into a buffer large enough for all of them.
    private ref struct Lines(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;

        public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

        // Text that could hold a line feed (an address, a media type): refused if it does.
        public void AddText(string text)
        {
            if (text.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("An archive entry's field holds a line feed.", nameof(text));
            }

            Add(text);
        }

        public void Add(string text) => End(Encoding.UTF8.GetBytes(text, _buffer[_length..]));

        public void AddHex(ReadOnlySpan<byte> bytes) =>
            End(Convert.TryToHexStringLower(bytes, _buffer[_length..], out var written) ? written : Overflow());

        public void Add<T>(T? value) where T : struct, IUtf8SpanFormattable
        {
            if (value is { } present)
            {
                Add(present);
            }
            else
            {
                End(0);
            }
        }

        public void Add<T>(T value) where T : IUtf8SpanFormattable =>
            End(value.TryFormat(_buffer[_length..], out var written, FormatOf(value), CultureInfo.InvariantCulture)
                ? written
                : Overflow());

        private static ReadOnlySpan<char> FormatOf<T>(T value) => value switch
        {
            Guid => "D",
            DateTime => "yyyy-MM-ddTHH:mm:ss.fffZ",
            _ => default,
        };

        private void End(int written)
        {
            _length += written;
            _buffer[_length++] = (byte)'\n';
        }

        private static int Overflow() => throw new InvalidOperationException("An archive leaf outgrew its buffer.");
    }

    // Every database keeps milliseconds, so a time read back hashes as it did when it was first hashed.
    public static DateTime WholeMilliseconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
