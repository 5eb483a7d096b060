using System.Globalization;
using System.Security;
using System.Text;

namespace Communique.Documents.Pdf;

// The XMP metadata of a PDF/A-2b file: the PDF/A identification and the same title, author, subject, keywords,
// creator, producer and creation date as the document information dictionary, as PDF/A requires them to agree.
internal static class XmpPacket
{
    public static byte[] Build(PdfSettings settings, string producer)
    {
        var xmp = new StringBuilder(1024)
            .Append("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
            .Append("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n")
            .Append("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
            .Append("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"")
            .Append(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"")
            .Append(" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n")
            .Append("<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n")
            .Append("<dc:format>application/pdf</dc:format>\n");
        if (settings.Title is { } title)
        {
            xmp.Append("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">").Append(Escape(title))
                .Append("</rdf:li></rdf:Alt></dc:title>\n");
        }

        if (settings.Author is { } author)
        {
            xmp.Append("<dc:creator><rdf:Seq><rdf:li>").Append(Escape(author))
                .Append("</rdf:li></rdf:Seq></dc:creator>\n");
        }

        if (settings.Subject is { } subject)
        {
            xmp.Append("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">").Append(Escape(subject))
                .Append("</rdf:li></rdf:Alt></dc:description>\n");
        }

        if (settings.Keywords is { } keywords)
        {
            xmp.Append("<pdf:Keywords>").Append(Escape(keywords)).Append("</pdf:Keywords>\n");
        }

        xmp.Append("<pdf:Producer>").Append(Escape(producer)).Append("</pdf:Producer>\n")
            .Append("<xmp:CreatorTool>").Append(Escape(settings.Creator)).Append("</xmp:CreatorTool>\n")
            .Append("<xmp:CreateDate>")
            .Append(settings.Created.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))
            .Append("</xmp:CreateDate>\n")
            .Append("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
        return Encoding.UTF8.GetBytes(xmp.ToString());
    }

    // XML has no place for control characters, even escaped; they are dropped.
    private static string Escape(string text) =>
        SecurityElement.Escape(text.Any(char.IsControl) ? string.Concat(text.Where(c => !char.IsControl(c))) : text);
}
