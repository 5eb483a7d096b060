using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class XmlSourceTests
{
    [Fact]
    public void Each_element_under_the_root_is_a_record_with_its_line()
    {
        var (fields, records) = Read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <customers>
              <customer id="1">
                <name>Ann</name>
                <email>ann@example.com</email>
              </customer>
              <customer id="2"><name>Bob</name><email/></customer>
            </customers>
            """, SourceFormat.Xml);

        Assert.Equal(["id", "name", "email"], Names(fields));
        Assert.Equal(["1", "Ann", "ann@example.com"], Values(records[0]));
        Assert.Equal(3, records[0].Line);
        Assert.Equal(["2", "Bob", ""], Values(records[1]));
        Assert.Equal(7, records[1].Line);
    }

    [Fact]
    public void Nested_elements_and_their_attributes_are_flattened_with_underscores()
    {
        var (fields, records) = Read("""
            <people><person><name>Ann</name><address><city>Lyon</city></address><phone type="mobile">0612</phone></person></people>
            """, SourceFormat.Xml);

        Assert.Equal(["name", "address_city", "phone_type", "phone"], Names(fields));
        Assert.Equal(["Ann", "Lyon", "mobile", "0612"], Values(records[0]));
    }

    [Fact]
    public void Cdata_and_entities_are_read_as_text()
    {
        var (_, records) = Read(
            "<r><p><note><![CDATA[a < b]]></note><name>Tom &amp; Jerry</name></p></r>", SourceFormat.Xml);

        Assert.Equal(["a < b", "Tom & Jerry"], Values(records[0]));
    }

    [Fact]
    public void The_bytes_are_read_as_utf8_whatever_the_declaration_says()
    {
        var (_, records) = Read(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><p><name>Zoé</name></p></r>", SourceFormat.Xml);

        Assert.Equal("Zoé", records[0].GetValue(0));
    }

    [Fact]
    public void An_empty_root_is_a_source_without_records()
    {
        var (fields, records) = Read("<customers/>", SourceFormat.Xml);

        Assert.Empty(fields);
        Assert.Empty(records);
    }

    [Fact]
    public void A_billion_laughs_document_is_refused()
    {
        var error = Refusal("""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <lolz><lol><a>&lol9;</a></lol></lolz>
            """, SourceFormat.Xml);

        Assert.Equal(SourceProblem.Unsafe, error.Problem);
        Assert.Contains("DOCTYPE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_entity_document_is_refused_without_reading_the_file()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "secret");
        try
        {
            var error = Refusal($"""
                <?xml version="1.0"?>
                <!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>
                <r><p><a>&xxe;</a></p></r>
                """, SourceFormat.Xml);

            Assert.Equal(SourceProblem.Unsafe, error.Problem);
            Assert.DoesNotContain(
                "secret", error.Message.Replace(secret, "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void A_repeated_element_in_a_record_is_refused_naming_the_line()
    {
        var error = Refusal("<r>\n<p><phone>1</phone>\n<phone>2</phone></p>\n</r>", SourceFormat.Xml);

        Assert.Equal(SourceProblem.BadHeader, error.Problem);
        Assert.Equal(3, error.Line);
        Assert.Contains("'phone' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_of_different_element_names_are_refused()
    {
        var error = Refusal("<r>\n<person/>\n<company/>\n</r>", SourceFormat.Xml);

        Assert.Equal(3, error.Line);
        Assert.Contains("<company>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_mixed_with_elements_is_refused()
    {
        var error = Refusal("<r><p><name>Ann<b>x</b></name></p></r>", SourceFormat.Xml);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
        Assert.Contains("mixes text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_that_is_not_well_formed_is_refused_naming_the_line()
    {
        var error = Refusal("<r>\n<p><name>Ann</p>\n</r>", SourceFormat.Xml);

        Assert.Equal(SourceProblem.Malformed, error.Problem);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Elements_nested_ten_thousand_deep_are_refused_without_crashing()
    {
        var deep = "<r><p>" + string.Concat(Enumerable.Repeat("<a>", 10_000))
            + string.Concat(Enumerable.Repeat("</a>", 10_000)) + "</p></r>";

        var error = Refusal(deep, SourceFormat.Xml);

        Assert.Equal(SourceProblem.TooDeep, error.Problem);
    }

    [Fact]
    public void Namespaces_are_ignored_in_field_names()
    {
        var (fields, records) = Read("""
            <c:list xmlns:c="urn:crm" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <c:contact><c:name>Ann</c:name><c:age xsi:nil="true"/></c:contact>
            </c:list>
            """, SourceFormat.Xml);

        Assert.Equal(["name", "age"], Names(fields));
        Assert.Equal(["Ann", ""], Values(records[0]));
    }
}
