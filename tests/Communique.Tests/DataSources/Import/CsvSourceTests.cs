using System.Text;
using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class CsvSourceTests
{
    [Fact]
    public void The_header_row_names_the_fields_and_each_row_is_a_record_with_its_line()
    {
        var (fields, records) = Read("id,name,email\n1,Ann,ann@example.com\n2,Bob,bob@example.com\n", SourceFormat.Csv);

        Assert.Equal(["id", "name", "email"], Names(fields));
        Assert.Equal(2, records.Count);
        Assert.Equal(["1", "Ann", "ann@example.com"], Values(records[0]));
        Assert.Equal(2, records[0].Line);
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Spaces_in_field_names_become_underscores()
    {
        var (fields, _) = Read(" First Name ,Last\tName,e mail address\nAnn,Lee,a@x\n", SourceFormat.Csv);

        Assert.Equal(["First_Name", "Last_Name", "e_mail_address"], Names(fields));
    }

    [Fact]
    public void Duplicate_field_names_are_refused_naming_them()
    {
        var error = Refusal("id,Email,name,email\n1,a,b,c\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("'email'", error.Message, StringComparison.Ordinal);
        Assert.Contains("columns 2 and 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Names_that_collide_once_spaces_become_underscores_are_duplicates()
    {
        var error = Refusal("first name,first_name\na,b\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("first_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_field_name_is_refused_naming_the_column()
    {
        var error = Refusal("id,,email\n1,2,3\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("Column 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var error = Refusal("", SourceFormat.Csv);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_alone_is_a_source_without_records()
    {
        var (fields, records) = Read("id,name", SourceFormat.Csv);

        Assert.Equal(["id", "name"], Names(fields));
        Assert.Empty(records);
    }

    [Fact]
    public void Quoted_values_keep_separators_newlines_and_doubled_quotes()
    {
        var (_, records) = Read(
            "id,note,city\n1,\"Hello, \"\"world\"\"\",Paris\n2,\"two\nlines\",Rome\n3,plain,Oslo\n", SourceFormat.Csv);

        Assert.Equal(["1", "Hello, \"world\"", "Paris"], Values(records[0]));
        Assert.Equal(["2", "two\nlines", "Rome"], Values(records[1]));
        Assert.Equal(3, records[1].Line);
        Assert.Equal(5, records[2].Line);
    }

    [Fact]
    public void Crlf_line_ends_and_a_missing_final_newline_are_fine()
    {
        var (_, records) = Read("a,b\r\n1,2\r\n3,4", SourceFormat.Csv);

        Assert.Equal(["1", "2"], Values(records[0]));
        Assert.Equal(["3", "4"], Values(records[1]));
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Blank_lines_are_skipped()
    {
        var (_, records) = Read("a,b\n\n1,2\n\n\n3,4\n\n", SourceFormat.Csv);

        Assert.Equal(2, records.Count);
        Assert.Equal(3, records[0].Line);
        Assert.Equal(6, records[1].Line);
    }

    [Fact]
    public void Blank_lines_before_the_header_are_skipped_and_lines_still_count_them()
    {
        var (fields, records) = Read("\n\nid,name\n1,Ann\n", SourceFormat.Csv);

        Assert.Equal(["id", "name"], Names(fields));
        Assert.Equal(4, records[0].Line);
    }

    [Fact]
    public void Empty_values_are_empty_strings()
    {
        var (_, records) = Read("a,b,c\n,,\n", SourceFormat.Csv);

        Assert.Equal(["", "", ""], Values(records[0]));
    }

    [Fact]
    public void A_row_with_more_fields_than_the_header_is_refused_naming_the_line()
    {
        var error = Refusal("a,b\n1,2\n3,4,5\n6,7\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.RaggedRow, error.Problem);
        Assert.Equal(3, error.Line);
        Assert.Contains("Line 3 has 3 fields but the header has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_fewer_fields_than_the_header_is_refused_naming_the_line()
    {
        var error = Refusal("a,b,c\n1,2,3\n4,5,6\n7\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.RaggedRow, error.Problem);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void A_quote_that_is_never_closed_is_refused_naming_its_line()
    {
        var error = Refusal("a,b\n1,2\n3,\"four\n5,6\n7,8\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.UnbalancedQuote, error.Problem);
        Assert.Equal(3, error.Line);
        Assert.Contains("line 3 is never closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_refused_naming_the_line()
    {
        var error = Refusal("a,b\n1,2\n3,\"four\"x\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.UnbalancedQuote, error.Problem);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_quote_in_the_middle_of_an_unquoted_value_is_refused_naming_the_line()
    {
        var error = Refusal("a,b\n1,2\n3,5\" screen\n4,5\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.UnbalancedQuote, error.Problem);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_quote_left_open_in_a_multi_line_record_names_the_line_where_it_opens()
    {
        var error = Refusal("a,b\n1,\"x\ny\",\"open\n2,3\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.UnbalancedQuote, error.Problem);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_quote_that_swallows_a_line_break_surfaces_as_a_ragged_record_naming_its_lines()
    {
        var error = Refusal("a,b\n1,\"x\n2\",3\n", SourceFormat.Csv);

        Assert.Equal(SourceProblem.RaggedRow, error.Problem);
        Assert.Contains("lines 2-3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_early_in_a_large_file_stops_at_the_record_size_limit()
    {
        var text = new StringBuilder("a,b\n1,\"open\n");
        for (var i = 0; i < 600_000; i++)
        {
            text.Append("2,3\n");
        }
        var limits = new ImportLimits { MaxRecordSize = 64 * 1024 };

        var error = Assert.Throws<SourceDataException>(
            () => Read(Encoding.UTF8.GetBytes(text.ToString()), SourceFormat.Csv, limits: limits));

        Assert.Equal(SourceProblem.TooLarge, error.Problem);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Semicolon_separated_files_are_read()
    {
        var (fields, records) = Read("id;amount\n1;1.234,5\n", SourceFormat.Csv, DataStandard.For("de-DE"));

        Assert.Equal(["id", "amount"], Names(fields));
        Assert.Equal(["1", "1.234,5"], Values(records[0]));
    }

    [Fact]
    public void The_separator_is_the_one_the_header_uses_outside_quotes()
    {
        var (semicolons, _) = Read("\"Last, First\";email\nLee, Ann;a@x\n", SourceFormat.Csv);
        var (tabs, _) = Read("id\tname\n1\tAnn\n", SourceFormat.Csv);

        Assert.Equal(["Last,_First", "email"], Names(semicolons));
        Assert.Equal(["id", "name"], Names(tabs));
        Assert.Equal(SourceProblem.RaggedRow, Refusal("name\nLee, Ann\n", SourceFormat.Csv).Problem);
    }

    [Fact]
    public void Reading_stops_when_cancelled()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("a\n1\n2\n3\n"));
        using var reader = SourceReader.Open(stream, SourceFormat.Csv, EnUs);
        using var cancel = new CancellationTokenSource();
        using var records = reader.ReadRecords(cancel.Token).GetEnumerator();

        Assert.True(records.MoveNext());
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => records.MoveNext());
    }

    [Fact]
    public void A_million_rows_stream_without_the_reader_holding_on_to_them()
    {
        const int Rows = 1_000_000;
        using var stream = new GeneratedCsv(Rows);
        using var reader = SourceReader.Open(stream, SourceFormat.Csv, EnUs);
        var early = new List<WeakReference<SourceRecord>>();
        long count = 0;

        foreach (var record in reader.ReadRecords())
        {
            if (++count % 100_000 == 1)
            {
                early.Add(new WeakReference<SourceRecord>(record));
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(Rows, count);
        Assert.All(early, r => Assert.False(r.TryGetTarget(out _), "a record read earlier is still held"));
    }

    // A CSV of n rows produced as it is read: the test never has the file either.
    private sealed class GeneratedCsv(int rows) : Stream
    {
        private int _row = -1;
        private byte[] _pending = [];
        private int _at;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at == _pending.Length)
            {
                if (_row >= rows)
                {
                    return 0;
                }
                _pending = Encoding.UTF8.GetBytes(_row++ < 0
                    ? "id,name,email,city,amount,joined,time,active,score,note\n"
                    : $"{_row},Name {_row},n{_row}@example.com,Lyon,{_row % 1000}.5," +
                      $"2026-01-{_row % 28 + 1:00},10:30,true,{_row % 7},\"a, b\"\n");
                _at = 0;
            }
            var n = Math.Min(count, _pending.Length - _at);
            _pending.AsSpan(_at, n).CopyTo(buffer.AsSpan(offset));
            _at += n;
            return n;
        }

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
