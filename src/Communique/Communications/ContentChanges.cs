using System.Text.Json;

namespace Communique.Communications;

// What changed between two versions of a content document, by JSON Pointer (RFC 6901).
public static class ContentChanges
{
    public static List<ContentChange> Between(JsonElement before, JsonElement after)
    {
        var changes = new List<ContentChange>();
        Compare("", before, after, changes);
        return changes;
    }

    private static void Compare(string path, JsonElement? before, JsonElement? after, List<ContentChange> changes)
    {
        if (before is { ValueKind: JsonValueKind.Object } b && after is { ValueKind: JsonValueKind.Object } a)
        {
            var names = b.EnumerateObject().Select(p => p.Name)
                .Union(a.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var name in names.Order(StringComparer.Ordinal))
            {
                Compare($"{path}/{Escape(name)}",
                    b.TryGetProperty(name, out var bv) ? bv : null,
                    a.TryGetProperty(name, out var av) ? av : null, changes);
            }

            return;
        }

        var same = before is { } x && after is { } y && JsonElement.DeepEquals(x, y);
        if (!same && (before is not null || after is not null))
        {
            changes.Add(new ContentChange(path.Length == 0 ? "/" : path, before, after));
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal)
        .Replace("/", "~1", StringComparison.Ordinal);
}
