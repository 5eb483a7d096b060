using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Communique.Campaigns;

// The JSONPath of a v1 transactional call's email_json_path: exactly the subset docs/transactional.md documents.
// `$`, then the records (`[*]`, `.*` or `[n]`), then steps into each record: `.name`, `['name']`, `["name"]`, `[n]`,
// `[*]`, `.*`. No filters, scripts, slices, unions or recursive descent: those are refused when the path is read.
// Reading a path is one pass over it, and selecting visits each node of a record at most once per step, so the cost
// is linear in the path and the dataset whatever either holds (a general JSONPath library evaluates filter regexes,
// which a crafted pattern turns into hours of backtracking).
public sealed class AddressPath
{
    // Deeper than any JSON the request body reader accepts (System.Text.Json stops at a depth of 64).
    public const int MaxSteps = 64;

    private readonly Step? _records;
    private readonly List<Step> _steps;

    private AddressPath(Step? records, List<Step> steps)
    {
        _records = records;
        _steps = steps;
    }

    // A step: a member by name, an element by index, or every child (Name and Index both null).
    private sealed record Step(string? Name, int? Index);

    public static bool TryParse(string path, out AddressPath? parsed, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        parsed = null;
        var steps = new List<Step>();
        var at = 0;
        if (path.Length == 0 || path[0] != '$')
        {
            error = "A JSONPath starts with '$', e.g. $[*].email.";
            return false;
        }

        at++;
        while (at < path.Length)
        {
            if (steps.Count == MaxSteps)
            {
                error = $"At most {MaxSteps} steps.";
                return false;
            }

            if (!TryStep(path, ref at, out var step, out error))
            {
                return false;
            }

            steps.Add(step!);
        }

        if (steps.Count == 0 || steps[0].Name is not null)
        {
            error = "The records come first: $[*] for every record (or $[n] for one), e.g. $[*].email.";
            return false;
        }

        parsed = new AddressPath(steps[0].Index is null ? null : steps[0], steps[1..]);
        error = null;
        return true;
    }

    private static bool TryStep(string path, ref int at, out Step? step, out string? error)
    {
        step = null;
        error = null;
        if (path[at] == '.')
        {
            at++;
            if (at < path.Length && path[at] == '.')
            {
                error = $"Recursive descent (..) at position {at} is not supported; name each step, "
                    + "e.g. $[*].contact.email.";
                return false;
            }

            if (at < path.Length && path[at] == '*')
            {
                at++;
                step = new Step(null, null);
                return true;
            }

            var start = at;
            while (at < path.Length && path[at] is not ('.' or '[' or ']' or '\'' or '"' or '(' or ')' or '?' or '@')
                && !char.IsWhiteSpace(path[at]))
            {
                at++;
            }

            if (at == start)
            {
                error = $"A field name is expected at position {start}; "
                    + "names with other characters are written ['name'].";
                return false;
            }

            step = new Step(path[start..at], null);
            return true;
        }

        if (path[at] != '[')
        {
            error = $"'.' or '[' is expected at position {at}.";
            return false;
        }

        var open = at++;
        if (at < path.Length && path[at] is '\'' or '"')
        {
            if (!TryQuoted(path, ref at, out var name))
            {
                error = $"The quoted name at position {open + 1} is not closed.";
                return false;
            }

            step = new Step(name, null);
        }
        else if (at < path.Length && path[at] == '*')
        {
            at++;
            step = new Step(null, null);
        }
        else
        {
            var start = at;
            while (at < path.Length && char.IsAsciiDigit(path[at]) && at - start < 9)
            {
                at++;
            }

            if (at == start)
            {
                error = at < path.Length && path[at] == '?'
                    ? $"Filter expressions ([?(...)]) at position {open} are not supported; name the field, "
                        + "e.g. $[*].contact.email."
                    : $"Only [*], [n] and ['name'] are supported at position {open}.";
                return false;
            }

            step = new Step(null, int.Parse(path.AsSpan(start, at - start), CultureInfo.InvariantCulture));
        }

        if (at >= path.Length || path[at] != ']')
        {
            error = $"Only [*], [n] and ['name'] are supported at position {open}.";
            return false;
        }

        at++;
        return true;
    }

    // A name in single or double quotes; a backslash keeps the next character (a quote or a backslash).
    private static bool TryQuoted(string path, ref int at, out string name)
    {
        var quote = path[at++];
        var built = new StringBuilder();
        while (at < path.Length && path[at] != quote)
        {
            if (path[at] == '\\' && at + 1 < path.Length)
            {
                at++;
            }

            built.Append(path[at++]);
        }

        name = built.ToString();
        if (at >= path.Length)
        {
            return false;
        }

        at++;
        return true;
    }

    // Each record's address: the first string the path selects in it, in document order. Null for a record the path
    // selects nothing in (or does not select, with $[n]), and null altogether when it selects nothing in any record.
    public List<string?>? Select(IReadOnlyList<JsonElement> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var addresses = new List<string?>(records.Count);
        var found = false;
        for (var i = 0; i < records.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var address = _records is null || _records.Index == i ? First(records[i], 0) : null;
            found |= address is not null;
            addresses.Add(address);
        }

        return found ? addresses : null;
    }

    private string? First(JsonElement node, int step)
    {
        if (step == _steps.Count)
        {
            return node.ValueKind == JsonValueKind.String ? node.GetString() : null;
        }

        var (name, index) = (_steps[step].Name, _steps[step].Index);
        if (name is not null)
        {
            return node.ValueKind == JsonValueKind.Object && node.TryGetProperty(name, out var member)
                ? First(member, step + 1)
                : null;
        }

        if (index is { } i)
        {
            return node.ValueKind == JsonValueKind.Array && i < node.GetArrayLength() ? First(node[i], step + 1) : null;
        }

        var children = node.ValueKind switch
        {
            JsonValueKind.Object => node.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => node.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children)
        {
            if (First(child, step + 1) is { } address)
            {
                return address;
            }
        }

        return null;
    }
}
