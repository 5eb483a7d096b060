using System.Text;
using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class EncodingTests
{
    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void Latin1_bytes_in_a_csv_are_refused_naming_the_offset_and_line()
    {
        // "id,name\n1,Ann\n2,Ren" is 19 bytes: the é (0xE9) is byte 19, on line 3.
        var error = Refusal(Latin1("id,name\n1,Ann\n2,René\n"), SourceFormat.Csv);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Equal(19, error.ByteOffset);
        Assert.Equal(3, error.Line);
        Assert.Contains("0xE9", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 19", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latin1_bytes_far_into_a_csv_are_refused_at_their_exact_offset()
    {
        var head = "id,name\n" + string.Concat(Enumerable.Range(1, 20_000).Select(i => $"{i},Ann\n"));
        var bytes = Latin1(head + "20001,Zoë\n");

        var error = Refusal(bytes, SourceFormat.Csv);

        Assert.Equal(Encoding.UTF8.GetByteCount(head) + 8, error.ByteOffset);
        Assert.Equal(20_002, error.Line);
    }

    [Fact]
    public void Latin1_bytes_in_a_json_file_are_refused_naming_the_offset_and_line()
    {
        var error = Refusal(Latin1("[\n{\"name\": \"René\"}\n]"), SourceFormat.Json);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Equal(15, error.ByteOffset);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Latin1_bytes_in_an_xml_file_are_refused_naming_the_offset_and_line()
    {
        var error = Refusal(
            Latin1("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                + "<people>\n<person><name>René</name></person>\n</people>"),
            SourceFormat.Xml);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Equal(3, error.Line);
        Assert.Equal(70, error.ByteOffset);
    }

    [Fact]
    public void Latin1_bytes_in_a_spreadsheet_part_are_refused_naming_the_part_and_offset()
    {
        var xlsx = Xlsx("""<row r="1"><c r="A1" t="s"><v>0</v></c></row>""", extra: zip =>
        {
            var entry = zip.CreateEntry("xl/sharedStrings.xml");
            using var stream = entry.Open();
            stream.Write(
                Latin1("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    + "<si><t>René</t></si></sst>"));
        });

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Contains("xl/sharedStrings.xml", error.Message, StringComparison.Ordinal);
        Assert.Equal(81, error.ByteOffset);
    }

    [Fact]
    public void Utf16_files_are_refused_at_their_byte_order_mark()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("id,name\n1,Ann\n")).ToArray();

        var error = Refusal(bytes, SourceFormat.Csv);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Equal(0, error.ByteOffset);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted_and_not_part_of_the_first_name()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id,name\n1,Zoë\n")).ToArray();

        var (fields, records) = Read(bytes, SourceFormat.Csv);

        Assert.Equal(["id", "name"], Names(fields));
        Assert.Equal("Zoë", records[0].GetValue(1));
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted_in_json_and_xml()
    {
        var bom = Encoding.UTF8.GetPreamble();

        var (_, json) = Read([.. bom, .. Encoding.UTF8.GetBytes("[{\"a\": 1}]")], SourceFormat.Json);
        var (_, xml) = Read([.. bom, .. Encoding.UTF8.GetBytes("<r><p><a>1</a></p></r>")], SourceFormat.Xml);

        Assert.Single(json);
        Assert.Single(xml);
    }

    [Fact]
    public void Multi_byte_characters_split_across_reads_are_accepted()
    {
        var text = "id,name\n" + string.Concat(Enumerable.Range(1, 30_000).Select(i => $"{i},Zoë 😀 東京\n"));
        var bytes = Encoding.UTF8.GetBytes(text);

        using var stream = new DribblingStream(bytes);
        using var reader = SourceReader.Open(stream, SourceFormat.Csv, EnUs);
        var records = reader.ReadRecords().ToList();

        Assert.Equal(30_000, records.Count);
        Assert.All(records, r => Assert.Equal("Zoë 😀 東京", r.GetValue(1)));
    }

    [Fact]
    public void A_file_that_ends_in_the_middle_of_a_character_is_refused()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("id,name\n1,Ann"), 0xE6, 0x9D];

        var error = Refusal(bytes, SourceFormat.Csv);

        Assert.Equal(SourceProblem.NotUtf8, error.Problem);
        Assert.Equal(13, error.ByteOffset);
    }

    [Fact]
    public void Overlong_encodings_and_surrogates_are_not_utf8()
    {
        byte[] overlong = [.. Encoding.UTF8.GetBytes("a\n"), 0xC0, 0xAF, (byte)'\n'];
        byte[] surrogate = [.. Encoding.UTF8.GetBytes("a\n"), 0xED, 0xA0, 0x80, (byte)'\n'];

        Assert.Equal(2, Refusal(overlong, SourceFormat.Csv).ByteOffset);
        Assert.Equal(2, Refusal(surrogate, SourceFormat.Csv).ByteOffset);
    }

    // Hands out bytes in reads of varying small sizes, so characters straddle reads.
    private sealed class DribblingStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        private int _turn;

        public override int Read(Span<byte> buffer) => _inner.Read(buffer[..Math.Min(buffer.Length, 1 + _turn++ % 7)]);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
