using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class XlsxSourceTests
{
    private const string DateStyles = """
        <numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/></numFmts>
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
        <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="20"/><xf numFmtId="4"/></cellXfs>
        """;

    private static string Serial(double value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void The_first_row_of_the_first_sheet_names_the_fields_and_rows_are_records()
    {
        var xlsx = Xlsx("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>VIP customer</t></is></c></row>
            <row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="b"><v>1</v></c></row>
            <row r="3"><c r="A3"><v>2</v></c><c r="B3" t="str"><v>Bob</v></c><c r="C3" t="b"><v>0</v></c></row>
            """, sharedStrings: ["id", "First Name", "Ann"]);

        var (fields, records) = Read(xlsx, SourceFormat.Xlsx);

        Assert.Equal(["id", "First_Name", "VIP_customer"], Names(fields));
        Assert.Equal(["1", "Ann", "true"], Values(records[0]));
        Assert.Equal(["2", "Bob", "false"], Values(records[1]));
        Assert.Equal(2, records[0].Line);
    }

    [Fact]
    public void Empty_rows_are_skipped_and_missing_cells_are_empty_values_and_lines_are_row_numbers()
    {
        var xlsx = Xlsx("""
            <row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="C2" t="inlineStr"><is><t>c</t></is></c><c r="B2" t="inlineStr"><is><t>b</t></is></c></row>
            <row r="3"/>
            <row r="4"><c r="A4" s="0"/></row>
            <row r="7"><c r="C7"><v>3</v></c></row>
            """);

        var (fields, records) = Read(xlsx, SourceFormat.Xlsx);

        Assert.Equal(["a", "b", "c"], Names(fields));
        Assert.Single(records);
        Assert.Equal(7, records[0].Line);
        Assert.Equal(["", "", "3"], Values(records[0]));
    }

    [Fact]
    public void Rich_text_is_joined_and_phonetic_runs_are_left_out()
    {
        var xlsx = Xlsx("""
            <row r="1"><c r="A1" t="inlineStr"><is><r><t>Na</t></r><r><t>me</t></r><rPh sb="0" eb="1"><t>ネ</t></rPh></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> Ann </t></is></c></row>
            """);

        var (fields, records) = Read(xlsx, SourceFormat.Xlsx);

        Assert.Equal(["Name"], Names(fields));
        Assert.Equal(" Ann ", records[0].GetValue(0));
    }

    [Fact]
    public void Numbers_are_written_in_the_data_standard_and_date_cells_as_iso_8601()
    {
        var day = new DateTime(2026, 12, 31).ToOADate();
        var xlsx = Xlsx($"""
            <row r="1"><c r="A1" t="inlineStr"><is><t>amount</t></is></c><c r="B1" t="inlineStr"><is><t>day</t></is></c><c r="C1" t="inlineStr"><is><t>at</t></is></c><c r="D1" t="inlineStr"><is><t>time</t></is></c><c r="E1" t="inlineStr"><is><t>plain</t></is></c></row>
            <row r="2"><c r="A2" s="4"><v>1234.5</v></c><c r="B2" s="1"><v>{Serial(day)}</v></c><c r="C2" s="2"><v>{Serial(day + 0.5)}</v></c><c r="D2" s="3"><v>0.75</v></c><c r="E2"><v>{Serial(day)}</v></c></row>
            """, styles: DateStyles);

        var (_, records) = Read(xlsx, SourceFormat.Xlsx, DataStandard.For("de-DE"));

        Assert.Equal(["1234,5", "2026-12-31", "2026-12-31T12:00:00", "18:00:00", Serial(day)], Values(records[0]));
    }

    [Fact]
    public void Workbooks_dated_from_1904_are_read_with_their_epoch()
    {
        var xlsx = Xlsx("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>day</t></is></c></row>
            <row r="2"><c r="A2" s="1"><v>0</v></c></row>
            """, styles: DateStyles, date1904: true);

        var (_, records) = Read(xlsx, SourceFormat.Xlsx);

        Assert.Equal("1904-01-01", records[0].GetValue(0));
    }

    [Fact]
    public void A_value_right_of_the_last_named_column_is_refused_naming_the_row_and_column()
    {
        var xlsx = Xlsx("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>
            <row r="2"><c r="A2"><v>1</v></c></row>
            <row r="3"><c r="A3"><v>1</v></c><c r="D3"><v>4</v></c></row>
            """);

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.RaggedRow, error.Problem);
        Assert.Equal(3, error.Line);
        Assert.Contains("column D", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_cell_without_a_name_is_refused_naming_the_column()
    {
        var xlsx = Xlsx(
            """<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>"""
            + """<c r="C1" t="inlineStr"><is><t>c</t></is></c></row>""");

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("Column B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_header_names_are_refused_naming_the_columns()
    {
        var xlsx = Xlsx(
            """<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c>"""
            + """<c r="B1" t="inlineStr"><is><t>email</t></is></c></row>""");

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("columns A and B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_sheet_is_refused()
    {
        var error = Refusal(Xlsx(""), SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
    }

    [Fact]
    public void A_zip_bomb_is_refused_before_it_is_decompressed()
    {
        // 200 MB of one repeated row deflates to about 200 KB.
        var bomb = Xlsx("", writeSheet: zip =>
        {
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            sheet.Write(
                Encoding.UTF8.GetBytes(
                    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"));
            var rows = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<row><c><v>1</v></c></row>", 40_000)));
            for (long written = 0; written < 200L << 20; written += rows.Length)
            {
                sheet.Write(rows);
            }
        });
        Assert.True(bomb.Length < 2 << 20, $"the bomb is {bomb.Length} bytes");
        using var counting = new CountingStream(bomb);

        var error = Assert.Throws<SourceDataException>(() => SourceReader.Open(counting, SourceFormat.Xlsx, EnUs));

        Assert.Equal(SourceProblem.Unsafe, error.Problem);
        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
        Assert.Contains("xl/worksheets/sheet1.xml", error.Message, StringComparison.Ordinal);
        Assert.True(
            counting.BytesRead < bomb.Length / 4, $"read {counting.BytesRead} of {bomb.Length} bytes before refusing");
    }

    [Fact]
    public void A_part_over_the_size_limit_is_refused_before_it_is_decompressed()
    {
        var xlsx = Xlsx("""<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>""");

        var error = Refusal(xlsx, SourceFormat.Xlsx, new ImportLimits { MaxXlsxPartBytes = 100 });

        Assert.Equal(SourceProblem.Unsafe, error.Problem);
        Assert.Contains("not decompressed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_that_inflates_past_its_declared_size_is_stopped()
    {
        var rows = string.Concat(
            Enumerable.Range(2, 5_000).Select(i => $"<row r=\"{i}\"><c r=\"A{i}\"><v>{i}</v></c></row>"));
        var xlsx = Xlsx("""<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>""" + rows);
        var declared = 4_000u;
        DeclareSize(xlsx, "xl/worksheets/sheet1.xml", declared);

        var error = Assert.Throws<SourceDataException>(() => Read(xlsx, SourceFormat.Xlsx));

        Assert.Contains(error.Problem, new[] { SourceProblem.Unsafe, SourceProblem.Malformed });
    }

    [Fact]
    public void A_sheet_with_an_external_entity_is_refused()
    {
        var xlsx = Xlsx("", writeSheet: zip =>
        {
            Add(zip, "xl/worksheets/sheet1.xml", """
                <?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>
                """);
        });

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.Unsafe, error.Problem);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused()
    {
        var error = Refusal(Encoding.UTF8.GetBytes("id,name\n1,Ann\n"), SourceFormat.Xlsx);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
        Assert.Contains("not an XLSX", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workbook_must_come_from_a_seekable_stream()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.Throws<ArgumentException>(() => SourceReader.Open(pipe, SourceFormat.Xlsx, EnUs));
    }

    [Fact]
    public void A_reference_to_missing_shared_text_is_refused_naming_the_row()
    {
        var xlsx = Xlsx("""<row r="1"><c r="A1" t="s"><v>5</v></c></row>""", sharedStrings: ["a"]);

        var error = Refusal(xlsx, SourceFormat.Xlsx);

        Assert.Equal(1, error.Line);
    }

    // Rewrites the uncompressed size a zip declares for one entry, in its local header and in
    // the central directory, as a hostile file would.
    private static void DeclareSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == 0x04034b50 && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            }
            else if (signature == 0x02014b50 && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
            }
        }
    }

    // Counts the bytes read from the file; seeking (to the zip's directory) is free.
    private sealed class CountingStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public long BytesRead { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var n = _inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => _inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
