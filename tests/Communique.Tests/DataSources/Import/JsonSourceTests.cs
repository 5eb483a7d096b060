using System.Text;
using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class JsonSourceTests
{
    [Fact]
    public void Each_object_of_the_array_is_a_record_with_the_line_where_it_starts()
    {
        var (fields, records) = Read("""
            [
              {"id": 1, "name": "Ann", "vip": true, "note": null},
              {"id": 2, "name": "Bob", "vip": false}
            ]
            """, SourceFormat.Json);

        Assert.Equal(["id", "name", "vip", "note"], Names(fields));
        Assert.Equal(["1", "Ann", "true", null], Values(records[0]));
        Assert.Equal(2, records[0].Line);
        Assert.Equal(["2", "Bob", "false", null], Values(records[1]));
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Fields_that_appear_in_later_records_join_the_field_set()
    {
        var (fields, records) = Read("""[{"a": "1"}, {"b": "2", "a": "3"}]""", SourceFormat.Json);

        Assert.Equal(["a", "b"], Names(fields));
        Assert.Null(records[0].GetValue(1));
        Assert.Equal(["3", "2"], Values(records[1]));
    }

    [Fact]
    public void Nested_objects_are_flattened_with_underscores()
    {
        var (fields, records) = Read(
            """[{"name": "Ann", "address": {"city": "Lyon", "geo": {"lat": 45.76}}}]""", SourceFormat.Json);

        Assert.Equal(["name", "address_city", "address_geo_lat"], Names(fields));
        Assert.Equal(["Ann", "Lyon", "45.76"], Values(records[0]));
    }

    [Fact]
    public void Nested_arrays_of_objects_become_repeater_fields()
    {
        var (fields, records) = Read("""
            [
              {"name": "Ann", "orders": [
                {"sku": "A1", "qty": 2},
                {"sku": "B2", "qty": 1, "gift": true}
              ]},
              {"name": "Bob", "orders": []}
            ]
            """, SourceFormat.Json);

        var orders = fields[fields.IndexOf("orders")];
        Assert.True(orders.IsRepeater);
        Assert.Equal(["sku", "qty", "gift"], Names(orders.Items!));
        var annOrders = records[0].GetItems(orders.Index)!;
        Assert.Equal(2, annOrders.Count);
        Assert.Equal(["A1", "2"], Values(annOrders[0]));
        Assert.Equal(["B2", "1", "true"], Values(annOrders[1]));
        Assert.Equal(3, annOrders[0].Line);
        Assert.Equal(4, annOrders[1].Line);
        Assert.Empty(records[1].GetItems(orders.Index)!);
    }

    [Fact]
    public void Arrays_of_plain_values_are_repeaters_whose_items_have_one_field_named_value()
    {
        var (fields, records) = Read("""[{"tags": ["gold", "early"]}]""", SourceFormat.Json);

        var tags = fields[0];
        Assert.Equal(["value"], Names(tags.Items!));
        Assert.Equal(["gold", "early"], records[0].GetItems(0)!.Select(i => i.GetValue(0)));
    }

    [Fact]
    public void A_field_that_is_null_first_and_a_list_later_is_a_repeater()
    {
        var (fields, records) = Read("""[{"tags": null}, {"tags": ["a"]}]""", SourceFormat.Json);

        Assert.True(fields[0].IsRepeater);
        Assert.Null(records[0].GetItems(0));
        Assert.Single(records[1].GetItems(0)!);
    }

    [Fact]
    public void A_field_that_is_a_value_in_one_record_and_a_list_in_another_is_refused_naming_the_line()
    {
        var error = Refusal("[\n{\"tags\": \"a\"},\n{\"tags\": [\"b\"]}\n]", SourceFormat.Json);

        Assert.Equal(3, error.Line);
        Assert.Contains("'tags'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_are_written_in_the_data_standard_so_they_parse_like_text_numbers()
    {
        var (_, records) = Read(
            """[{"amount": 1234.5, "big": 1e3, "huge": 1e40}]""", SourceFormat.Json, DataStandard.For("de-DE"));

        Assert.Equal(["1234,5", "1000", "1e40"], Values(records[0]));
    }

    [Fact]
    public void A_field_twice_in_one_object_is_refused()
    {
        var error = Refusal("[{\"email\": \"a\", \"Email\": \"b\"}]", SourceFormat.Json);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flattened_name_that_collides_with_a_plain_name_is_refused()
    {
        var error = Refusal("[{\"address_city\": \"a\", \"address\": {\"city\": \"b\"}}]", SourceFormat.Json);

        Assert.Contains("address_city", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_that_is_not_an_array_is_refused()
    {
        var error = Refusal("{\"name\": \"Ann\"}", SourceFormat.Json);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
        Assert.Contains("array of objects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_that_is_not_an_object_is_refused_naming_its_line()
    {
        var error = Refusal("[\n{\"a\": 1},\n42\n]", SourceFormat.Json);

        Assert.Equal(3, error.Line);
        Assert.Contains("Item 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_refused_naming_the_line()
    {
        var error = Refusal("[\n{\"a\": 1},\n{\"a\": 2,}\n]", SourceFormat.Json);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_truncated_document_is_refused()
    {
        var error = Refusal("[{\"a\": 1}, {\"a\": ", SourceFormat.Json);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
    }

    [Fact]
    public void Content_after_the_array_is_refused()
    {
        var error = Refusal("[{\"a\": 1}]\n[{\"a\": 2}]", SourceFormat.Json);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
    }

    [Fact]
    public void An_empty_array_is_a_source_without_records()
    {
        var (fields, records) = Read("  [ ]  ", SourceFormat.Json);

        Assert.Empty(fields);
        Assert.Empty(records);
    }

    [Fact]
    public void Json_nested_ten_thousand_deep_is_refused_without_crashing()
    {
        var deep = new StringBuilder("[{\"a\":");
        for (var i = 0; i < 10_000; i++)
        {
            deep.Append("{\"a\":");
        }
        deep.Append('1').Append('}', 10_001).Append(']');

        var error = Refusal(deep.ToString(), SourceFormat.Json);

        Assert.Equal(SourceProblem.TooDeep, error.Problem);
        Assert.Contains("64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_nested_ten_thousand_deep_are_refused_without_crashing()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        var error = Refusal(deep, SourceFormat.Json);

        Assert.Contains(error.Problem, new[] { SourceProblem.TooDeep, SourceProblem.Malformed });
    }

    [Fact]
    public void Lists_nested_deep_inside_a_record_are_refused_as_too_deep()
    {
        var deep = "[{\"a\":" + new string('[', 100) + new string(']', 100) + "}]";

        var error = Refusal(deep, SourceFormat.Json);

        Assert.Equal(SourceProblem.TooDeep, error.Problem);
    }

    [Fact]
    public void Records_larger_than_the_read_buffer_are_read_whole()
    {
        var big = new string('x', 300_000);
        var (_, records) = Read($"[{{\"a\": \"{big}\"}}, {{\"a\": \"small\"}}]", SourceFormat.Json);

        Assert.Equal(big, records[0].GetValue(0));
        Assert.Equal("small", records[1].GetValue(0));
    }

    [Fact]
    public void A_record_over_the_size_limit_is_refused_naming_its_line()
    {
        var big = new string('x', 300_000);
        var limits = new ImportLimits { MaxRecordSize = 128 * 1024 };

        var error = Assert.Throws<SourceDataException>(() =>
            Read(Encoding.UTF8.GetBytes($"[\n{{\"a\": 1}},\n{{\"a\": \"{big}\"}}]"), SourceFormat.Json,
                limits: limits));

        Assert.Equal(SourceProblem.TooLarge, error.Problem);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Many_records_stream_through_a_small_buffer()
    {
        var json = "["
            + string.Join(",\n", Enumerable.Range(1, 50_000).Select(i => $"{{\"id\": {i}, \"name\": \"n{i}\"}}")) + "]";

        var (_, records) = Read(json, SourceFormat.Json);

        Assert.Equal(50_000, records.Count);
        Assert.Equal(50_000, records[^1].Line);
        Assert.Equal("n50000", records[^1].GetValue(1));
    }
}
