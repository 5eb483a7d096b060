using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class SchemaInferenceTests
{
    private static IReadOnlyList<InferredField> Infer(string csv, DataStandard? standard = null)
    {
        standard ??= EnUs;
        var (fields, records) = Read(csv, SourceFormat.Csv, standard);
        var inference = new SchemaInference(fields, standard);
        foreach (var record in records)
        {
            inference.Observe(record);
        }
        return inference.Fields;
    }

    private static FieldType[] Types(IReadOnlyList<InferredField> fields) => [.. fields.Select(f => f.Type)];

    [Fact]
    public void Each_field_gets_the_type_its_values_share()
    {
        var fields = Infer("""
            name,amount,born,at,alarm,vip,zip
            Ann,"1,234.5",12/31/1990,2026-05-01T10:00:00Z,7:30 AM,true,02134
            Bob,12,1/5/1985,2026-05-02 11:00,19:00,no,10001
            """);

        Assert.Equal(
            [
                FieldType.String, FieldType.Number, FieldType.Date, FieldType.DateTime, FieldType.Time,
                FieldType.Boolean, FieldType.String,
            ],
            Types(fields));
    }

    [Fact]
    public void The_data_standard_decides_what_is_a_number_or_a_date()
    {
        const string Csv = "amount;day\n1.234,5;31.12.2026\n7;01.02.2026\n";

        Assert.Equal([FieldType.Number, FieldType.Date], Types(Infer(Csv, DataStandard.For("de-DE"))));
        Assert.Equal([FieldType.String, FieldType.String], Types(Infer(Csv, EnUs)));
    }

    [Fact]
    public void Iso_8601_dates_are_dates_under_every_standard()
    {
        Assert.Equal([FieldType.Date], Types(Infer("day\n2026-12-31\n", DataStandard.For("de-DE"))));
        Assert.Equal([FieldType.Date], Types(Infer("day\n2026-12-31\n", DataStandard.For("ja-JP"))));
    }

    [Fact]
    public void Empty_values_are_ignored_and_a_field_with_none_is_a_string()
    {
        var fields = Infer("a,b\n,\n 1 ,\n,\n2,\n");

        Assert.Equal([FieldType.Number, FieldType.String], Types(fields));
        Assert.Equal(2, fields[0].ValueCount);
        Assert.Equal(0, fields[1].ValueCount);
    }

    [Fact]
    public void A_number_field_widens_to_string_when_a_non_number_appears()
    {
        Assert.Equal([FieldType.String], Types(Infer("a\n1\n2\nthree\n4\n")));
    }

    [Fact]
    public void A_date_field_widens_to_date_time_when_a_time_of_day_appears()
    {
        Assert.Equal([FieldType.DateTime], Types(Infer("a\n2026-01-01\n2026-01-02T10:00\n2026-01-03\n")));
    }

    [Fact]
    public void Mixed_dates_and_numbers_are_strings()
    {
        Assert.Equal([FieldType.String], Types(Infer("a\n2026-01-01\n42\n")));
        Assert.Equal([FieldType.String], Types(Infer("a\n42\n2026-01-01\n")));
        Assert.Equal([FieldType.String], Types(Infer("a\ntrue\n1\n")));
        Assert.Equal([FieldType.String], Types(Infer("a\n10:00\n2026-01-01\n")));
    }

    [Fact]
    public void Codes_with_leading_zeros_are_strings()
    {
        Assert.Equal([FieldType.String], Types(Infer("zip\n02134\n")));
        Assert.Equal([FieldType.Number], Types(Infer("n\n0\n0.5\n")));
    }

    [Fact]
    public void Repeaters_are_arrays_whose_items_have_inferred_fields()
    {
        var (fields, records) = Read("""
            [{"name": "Ann", "orders": [{"sku": "A1", "qty": 2, "on": "2026-01-01"}]},
             {"name": "Bob", "orders": [{"sku": "B2", "qty": 1.5}]},
             {"name": "Cy"}]
            """, SourceFormat.Json);
        var inference = new SchemaInference(fields, EnUs);
        records.ForEach(inference.Observe);

        var orders = inference.Fields[1];

        Assert.Equal(FieldType.Array, orders.Type);
        Assert.Equal(2, orders.ValueCount);
        Assert.Equal([FieldType.String, FieldType.Number, FieldType.Date], Types(orders.Items!));
    }

    [Fact]
    public void Fields_that_join_later_are_inferred_too()
    {
        var (fields, records) = Read("""[{"a": "x"}, {"a": "y", "b": "2026-01-01"}]""", SourceFormat.Json);
        var inference = new SchemaInference(fields, EnUs);
        records.ForEach(inference.Observe);

        Assert.Equal([FieldType.String, FieldType.Date], Types(inference.Fields));
    }

    [Fact]
    public void Spreadsheet_numbers_and_dates_are_inferred_under_any_standard()
    {
        var xlsx = Xlsx("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>amount</t></is></c><c r="B1" t="inlineStr"><is><t>day</t></is></c></row>
            <row r="2"><c r="A2"><v>1234.5</v></c><c r="B2" s="1"><v>46387</v></c></row>
            """, styles: """<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>""");
        var deDe = DataStandard.For("de-DE");
        var (fields, records) = Read(xlsx, SourceFormat.Xlsx, deDe);
        var inference = new SchemaInference(fields, deDe);
        records.ForEach(inference.Observe);

        Assert.Equal([FieldType.Number, FieldType.Date], Types(inference.Fields));
    }
}
