using System.Globalization;
using System.Text.Json;
using Communique.Communications;
using Communique.Documents.Markup;

namespace Communique.Documents;

// Checks a document's content when it is saved: the markup's Liquid and the markup itself as written (elements,
// attributes, values, nesting), each error with its line and column; the file name's Liquid.
public static class DocumentContents
{
    private const int MaxErrors = 20;

    public static bool TryNormalize(
        JsonElement content, JsonSerializerOptions json, Func<string, TemplateProblem?> checkTemplate,
        out string normalized, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(checkTemplate);
        normalized = "";
        DocumentContent? document;
        try
        {
            document = content.Deserialize<DocumentContent>(json);
        }
        catch (JsonException e)
        {
            errors["content" + (e.Path is null or "$" ? "" : e.Path.TrimStart('$'))] = [e.Message];
            return false;
        }

        if (string.IsNullOrWhiteSpace(document?.Markup))
        {
            errors["content.markup"] = ["A document needs its markup."];
            return false;
        }

        if (document.Markup.Length > DocumentContent.MaxMarkupChars)
        {
            errors["content.markup"] =
                [$"The markup is longer than {DocumentContent.MaxMarkupChars} characters."];
            return false;
        }

        if (checkTemplate(document.Markup) is { } liquid)
        {
            errors["content.markup"] = [At(liquid.Line, liquid.Column, liquid.Message)];
        }
        else if (DocumentMarkup.Check(document.Markup) is { Count: > 0 } problems)
        {
            errors["content.markup"] = [.. problems.Take(MaxErrors).Select(p => At(p.Line, p.Column, p.Message))];
        }

        var fileName = document.FileName ?? DocumentContent.DefaultFileName;
        if (string.IsNullOrWhiteSpace(fileName) || fileName.IndexOfAny(['/', '\\', '\0', '\r', '\n']) >= 0)
        {
            errors["content.fileName"] = ["A file name has no slashes or line breaks."];
        }
        else if (checkTemplate(fileName) is { } name)
        {
            errors["content.fileName"] = [At(name.Line, name.Column, name.Message)];
        }

        if (errors.Count > 0)
        {
            return false;
        }

        normalized = JsonSerializer.Serialize(document with { FileName = fileName }, json);
        return true;
    }

    private static string At(int line, int column, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"Line {line}, column {column}: {message}");
}
