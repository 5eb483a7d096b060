using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Communique.Communications;
using Communique.DataSources;
using Communique.Rendering;

namespace Communique.Email.Compose;

// Renders an email's content for one record: subject and text as plain text, HTML with values encoded. The renderer
// of record: the messages of every send and the preview endpoint are made by it.
public static partial class EmailRenderer
{
    public static async Task<(RenderedEmail? Email, RenderFailure? Failure, string? Part)> RenderAsync(
        LiquidTemplates liquid, EmailContent email, IReadOnlyDictionary<string, object?> record, CultureInfo culture,
        IReadOnlyDictionary<string, FieldFormat> formats, bool ignoreMissing, CancellationToken cancellationToken)
    {
        var plain = new RenderOptions
        {
            Culture = culture, FieldFormats = formats, IgnoreMissingFields = ignoreMissing,
        };
        var html = plain with { HtmlEncode = true };
        var parts = new List<(string Part, string? Source, RenderOptions Options)>
        {
            ("subject", email.Subject, plain), ("html", email.Html, html), ("text", email.Text, plain),
            ("preheader", email.Preheader, plain),
        };
        var rendered = new Dictionary<string, string?>();
        foreach (var (part, source, options) in parts)
        {
            if (string.IsNullOrEmpty(source))
            {
                rendered[part] = null;
                continue;
            }

            if (!liquid.TryCompile(source, out var template, out var error))
            {
                var where = $"Line {error.Line}, column {error.Column}: {error.Message}";
                return (null, new RenderFailure(RenderFailureKind.TemplateError, where), part);
            }

            var outcome = await liquid.RenderAsync(template, record, options, cancellationToken);
            if (!outcome.Succeeded)
            {
                return (null, outcome.Failure, part);
            }

            rendered[part] = outcome.Text;
        }

        var body = rendered["html"] ?? "";
        string text;
        try
        {
            text = rendered["text"] ?? TextOf(body);
        }
        catch (RegexMatchTimeoutException)
        {
            return (null, new RenderFailure(RenderFailureKind.TimeLimit,
                "Deriving the text part from the HTML took too long; write the text part of the email."), "text");
        }

        return (new RenderedEmail(rendered["subject"] ?? "", body, text, rendered["preheader"]), null, null);
    }


    // The text part when none is written: the HTML's words, with each link's address after its text.
    public static string TextOf(string html)
    {
        var text = Hidden().Replace(html, "");
        text = Link().Replace(text, m => $"{m.Groups[2].Value} ({m.Groups[1].Value})");
        text = Break().Replace(text, "\n");
        text = Tag().Replace(text, "");
        return Tidy(WebUtility.HtmlDecode(text));
    }

    // Text with runs of spaces made one, lines trimmed, at most one blank line in a row, and no blank start or end.
    public static string Tidy(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // One pass without a regex: it runs for every message whose text part is derived from the HTML.
        var result = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range).Trim();
            blank = line.IsEmpty ? blank + 1 : 0;
            if (blank > 1)
            {
                continue;
            }

            while (line.IndexOfAny(LineSpaces) is var run and >= 0)
            {
                result.Append(line[..run]).Append(' ');
                line = line[run..].TrimStart(" \t\r\f");
            }

            result.Append(line).Append('\n');
        }

        return result.ToString().Trim();
    }

    // Over HTML a team wrote, or rendered from it: each match stops after a second (RegexMatchTimeoutException).
    [GeneratedRegex("<(head|style|script)[^>]*>.*?</\\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Hidden();

    [GeneratedRegex(
        "<a\\s[^>]*href\\s*=\\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a>",
        RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Link();

    [GeneratedRegex("<(br|/p|/div|/h[1-6]|/li|/tr)\\s*/?>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Break();

    [GeneratedRegex("<[^>]+>", RegexOptions.None, 1000)]
    private static partial Regex Tag();

    private static readonly SearchValues<char> LineSpaces = SearchValues.Create(" \t\r\f");
}
