using System.IO.Compression;
using System.Text;
using Communique.DataSources.Import;

namespace Communique.Tests.DataSources.Import;

// Builds sources in memory and reads them whole; the tests' files are small.
internal static class Sources
{
    public static readonly DataStandard EnUs = DataStandard.For("en-US");

    public static (SourceFieldSet Fields, List<SourceRecord> Records) Read(
        string text, SourceFormat format, DataStandard? standard = null) =>
        Read(Encoding.UTF8.GetBytes(text), format, standard);

    public static (SourceFieldSet Fields, List<SourceRecord> Records) Read(
        byte[] bytes, SourceFormat format, DataStandard? standard = null,
        ImportLimits? limits = null)
    {
        using var stream = new MemoryStream(bytes);
        using var reader = SourceReader.Open(stream, format, standard ?? EnUs, limits);
        var records = reader.ReadRecords().ToList();
        return (reader.Fields, records);
    }

    public static SourceDataException Refusal(string text, SourceFormat format) =>
        Refusal(Encoding.UTF8.GetBytes(text), format);

    public static SourceDataException Refusal(byte[] bytes, SourceFormat format, ImportLimits? limits = null) =>
        Assert.Throws<SourceDataException>(() => Read(bytes, format, limits: limits));

    public static string[] Names(SourceFieldSet fields) => [.. fields.Select(f => f.Name)];

    public static string?[] Values(SourceRecord record) => [.. record.Values];

    // A minimal workbook as Excel writes it: workbook, relationships, styles, shared strings, one sheet.
    public static byte[] Xlsx(
        string sheetData, string[]? sharedStrings = null, string? styles = null, bool date1904 = false,
        Action<ZipArchive>? extra = null, Action<ZipArchive>? writeSheet = null)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml",
                """<?xml version="1.0" encoding="UTF-8"?>"""
                + """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>""");
            Add(zip, "xl/workbook.xml",
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
                + """<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" """
                + """xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"""
                + $"""<workbookPr{(date1904 ? " date1904=\"1\"" : "")}/>"""
                + """<sheets><sheet name="People" sheetId="1" r:id="rId7"/>"""
                + """<sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>""");
            Add(zip, "xl/_rels/workbook.xml.rels",
                """<?xml version="1.0" encoding="UTF-8"?>"""
                + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
                + """<Relationship Id="rId8" """
                + """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" """
                + """Target="worksheets/sheet2.xml"/>"""
                + """<Relationship Id="rId7" """
                + """Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" """
                + """Target="worksheets/sheet1.xml"/></Relationships>""");
            if (styles is not null)
            {
                Add(zip, "xl/styles.xml",
                    """<?xml version="1.0" encoding="UTF-8"?>"""
                    + """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
                    + $"""{styles}</styleSheet>""");
            }
            if (sharedStrings is not null)
            {
                var items = string.Concat(sharedStrings.Select(s =>
                    $"<si><t xml:space=\"preserve\">{System.Security.SecurityElement.Escape(s)}</t></si>"));
                Add(zip, "xl/sharedStrings.xml",
                    """<?xml version="1.0" encoding="UTF-8"?>"""
                    + """<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" """
                    + $"""count="{sharedStrings.Length}">{items}</sst>""");
            }
            if (writeSheet is null)
            {
                Add(zip, "xl/worksheets/sheet1.xml", Sheet(sheetData));
            }
            else
            {
                writeSheet(zip);
            }
            Add(zip, "xl/worksheets/sheet2.xml",
                Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>not this sheet</t></is></c></row>"));
            extra?.Invoke(zip);
        }
        return buffer.ToArray();
    }

    public static string Sheet(string sheetData) =>
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""
        + """<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
        + $"""<sheetData>{sheetData}</sheetData></worksheet>""";

    public static void Add(
        ZipArchive zip, string name, string content, CompressionLevel level = CompressionLevel.Optimal)
    {
        var entry = zip.CreateEntry(name, level);
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
