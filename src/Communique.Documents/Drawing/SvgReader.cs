using System.Globalization;
using System.Text;
using System.Xml;
using SkiaSharp;
using Svg.Skia;

namespace Communique.Documents.Drawing;

// Reads an SVG image that a template may show, refusing what could act or reach outside the file: scripts, event
// attributes, foreign objects, DTDs and entities, and links or style URLs to anything but a fragment of the same
// file or embedded image data. A <use> may not copy anything that itself holds a <use>: nested copies multiply
// (ten levels of ten copies draw ten billion shapes), so the drawing work stays bounded by the file's size.
// What remains is drawn once into a picture that documents replay.
internal static class SvgReader
{
    private const int MaxCharacters = 10_000_000;
    private const float DefaultWidth = 300;
    private const float DefaultHeight = 150;
    private const string XLink = "http://www.w3.org/1999/xlink";

    public static bool LooksLikeSvg(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(data.Length, 4096)];
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        head = head.TrimStart(" \t\r\n"u8);
        return head.StartsWith("<"u8) && head.IndexOf("<svg"u8) >= 0;
    }

    // The image drawn into a picture, and as outlines when it is made only of what SvgVector keeps.
    public static (SKPicture Picture, SvgVector? Vector, float Width, float Height) Read(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var (width, height) = Check(text);
        SKPicture? parsed;
        try
        {
            using var svg = new SKSvg();
            parsed = svg.FromSvg(text);
            if (parsed is null)
            {
                throw new DocumentException("The SVG image could not be read.");
            }

            var vector = svg.Model is { } model
                ? SvgVector.From(model, path => svg.SkiaModel.ToSKPath(path), width, height)
                : null;
            using var recorder = new SKPictureRecorder();
            var canvas = recorder.BeginRecording(new SKRect(0, 0, width, height));
            canvas.DrawPicture(parsed);
            return (recorder.EndRecording(), vector, width, height);
        }
        catch (Exception e) when (e is not DocumentException)
        {
            throw new DocumentException($"The SVG image could not be read: {e.Message}");
        }
    }

    // The image's size in CSS pixels, once every element and attribute has been checked.
    private static (float Width, float Height) Check(string text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            IgnoreComments = true,
        };
        float? width = null, height = null;
        float[]? viewBox = null;
        var root = true;
        var open = new Stack<(string? Id, bool HasUse)>();
        var containsUse = new HashSet<string>(StringComparer.Ordinal);
        var useTargets = new List<string>();
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            var inStyle = false;
            while (reader.Read())
            {
                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && inStyle)
                {
                    CheckStyle(reader.Value);
                }

                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    inStyle = false;
                    Close(open, containsUse);
                }

                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                var name = reader.LocalName;
                if (name.Equals("script", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("foreignObject", StringComparison.OrdinalIgnoreCase))
                {
                    throw new DocumentException($"The SVG image holds a <{name}> element; scripts and foreign "
                        + "content are not allowed in images.");
                }

                if (root && !name.Equals("svg", StringComparison.Ordinal))
                {
                    throw new DocumentException("The image is not an SVG image: its root element is not <svg>.");
                }

                inStyle = name.Equals("style", StringComparison.OrdinalIgnoreCase) && !reader.IsEmptyElement;
                for (var i = 0; i < reader.AttributeCount; i++)
                {
                    reader.MoveToAttribute(i);
                    CheckAttribute(reader.LocalName, reader.Value);
                    if (root)
                    {
                        switch (reader.LocalName)
                        {
                            case "width":
                                width = Length(reader.Value);
                                break;
                            case "height":
                                height = Length(reader.Value);
                                break;
                            case "viewBox":
                                viewBox = ViewBox(reader.Value);
                                break;
                        }
                    }
                }

                reader.MoveToElement();
                root = false;
                var isUse = name.Equals("use", StringComparison.Ordinal);
                if (isUse && (reader.GetAttribute("href") ?? reader.GetAttribute("href", XLink)) is { } href
                    && href.StartsWith('#'))
                {
                    useTargets.Add(href[1..]);
                }

                open.Push((reader.GetAttribute("id"), isUse));
                if (reader.IsEmptyElement)
                {
                    Close(open, containsUse);
                }
            }
        }
        catch (XmlException e)
        {
            throw new DocumentException($"The SVG image is not well-formed XML (or declares a DTD): {e.Message}");
        }

        if (root)
        {
            throw new DocumentException("The SVG image has no <svg> element.");
        }

        if (useTargets.Find(containsUse.Contains) is { } nested)
        {
            throw new DocumentException($"The SVG image copies #{nested}, which itself holds a <use>; nested <use> "
                + "copies are not allowed.");
        }

        var ratio = viewBox is { } box ? box[2] / box[3] : DefaultWidth / DefaultHeight;
        var w = width ?? (height * ratio) ?? viewBox?[2] ?? DefaultWidth;
        var h = height ?? (width / ratio) ?? viewBox?[3] ?? DefaultHeight;
        if (w is <= 0 or > 100_000 || h is <= 0 or > 100_000 || float.IsNaN(w) || float.IsNaN(h))
        {
            throw new DocumentException($"The SVG image's size ({w} x {h}) is not usable.");
        }

        return (w, h);
    }

    // An element ends: its id is remembered if it holds a <use>, and its parent then holds one too.
    private static void Close(Stack<(string? Id, bool HasUse)> open, HashSet<string> containsUse)
    {
        var (id, hasUse) = open.Pop();
        if (!hasUse)
        {
            return;
        }

        if (id is not null)
        {
            containsUse.Add(id);
        }

        if (open.Count > 0)
        {
            var parent = open.Pop();
            open.Push((parent.Id, true));
        }
    }

    private static void CheckAttribute(string name, string value)
    {
        if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
        {
            throw new DocumentException($"The SVG image has an event attribute ({name}); scripts are not allowed.");
        }

        if (name.Equals("href", StringComparison.Ordinal))
        {
            var target = value.Trim();
            if (!target.StartsWith('#') && !target.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
            {
                throw new DocumentException("The SVG image refers to an outside resource; only fragments (#id) and "
                    + "embedded images are allowed.");
            }
        }

        if (name.Equals("style", StringComparison.Ordinal)
            || value.Contains("url(", StringComparison.OrdinalIgnoreCase))
        {
            CheckStyle(value);
        }
    }

    // CSS may load things too: @import, and url() other than a fragment or embedded data.
    private static void CheckStyle(string css)
    {
        if (css.Contains("@import", StringComparison.OrdinalIgnoreCase))
        {
            throw new DocumentException("The SVG image's style imports an outside stylesheet.");
        }

        var at = 0;
        while ((at = css.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var target = css.AsSpan(at + 4).TrimStart(" \t\r\n'\"");
            if (!target.StartsWith("#") && !target.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
            {
                throw new DocumentException("The SVG image's style refers to an outside resource.");
            }

            at += 4;
        }
    }

    // A length in CSS pixels; null for percentages and what cannot be read.
    private static float? Length(string text)
    {
        var value = text.Trim();
        (string Unit, float Pixels)[] units =
            [("px", 1), ("pt", 96f / 72), ("pc", 16), ("mm", 96 / 25.4f), ("cm", 96 / 2.54f), ("in", 96)];
        var factor = 1f;
        foreach (var (unit, pixels) in units)
        {
            if (value.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                value = value[..^unit.Length];
                factor = pixels;
                break;
            }
        }

        return float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number * factor
            : null;
    }

    private static float[]? ViewBox(string text)
    {
        var parts = text.Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4)
        {
            return null;
        }

        var box = new float[4];
        for (var i = 0; i < 4; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out box[i]))
            {
                return null;
            }
        }

        return box[2] > 0 && box[3] > 0 ? box : null;
    }
}
