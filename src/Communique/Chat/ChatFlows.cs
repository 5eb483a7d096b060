using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Communique.Chat.Expressions;
using Ganss.Xss;

namespace Communique.Chat;

// Checks a bot's flow when it is saved and compiles it for the runtime: every interaction's fields for its type,
// texts and expressions, targets that exist, no interaction unreachable from the start, no variable read that
// nothing declares or sets, and no loop the flow could run round without waiting for the user. Each error is keyed
// by the interaction's id: "content.interactions.<id>.<field>".
public static partial class ChatFlows
{
    public const int MaxInteractions = 500;
    public const int MaxTextChars = 4000;
    public const int MaxHtmlChars = 16_000;
    public const int MaxItems = 20;
    public const int MaxChoices = 50;
    public const int MaxRetries = 10;
    public const int MaxRestSeconds = 30;
    public const int DefaultRestSeconds = 10;
    public const int MaxTimeoutMinutes = 24 * 60;
    private const int MaxErrors = 50;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    // The flow a new chat communication starts with: it ends at once.
    public static string Empty { get; } = JsonSerializer.Serialize(
        new ChatFlow("end", null, null, null, [new FlowInteraction { Id = "end", Type = "end" }]), Json);

    public static bool TryNormalize(JsonElement content, out string normalized, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        normalized = "";
        ChatFlow? flow;
        try
        {
            flow = content.Deserialize<ChatFlow>(Json);
        }
        catch (JsonException e)
        {
            errors["content" + (e.Path is null or "$" ? "" : e.Path.TrimStart('$'))] = [e.Message];
            return false;
        }

        if (flow is null || !TryCompile(flow, errors, out _, out var sanitized))
        {
            return false;
        }

        normalized = JsonSerializer.Serialize(sanitized, Json);
        return true;
    }

    // A stored flow, which was checked when saved (InvalidOperationException if this build refuses it).
    public static CompiledFlow Compile(string json)
    {
        var flow = JsonSerializer.Deserialize<ChatFlow>(json, Json)
            ?? throw new InvalidOperationException("A stored flow is empty.");
        var errors = new Dictionary<string, string[]>();
        return TryCompile(flow, errors, out var compiled, out _)
            ? compiled
            : throw new InvalidOperationException("A stored flow does not compile: " +
                string.Join(" ", errors.SelectMany(e => e.Value)));
    }

    private static bool TryCompile(
        ChatFlow flow, Dictionary<string, string[]> errors, out CompiledFlow compiled, out ChatFlow sanitized)
    {
        compiled = null!;
        sanitized = flow;
        var interactions = flow.Interactions ?? [];
        if (interactions.Count == 0)
        {
            errors["content.interactions"] = ["A flow needs at least one interaction."];
            return false;
        }

        if (interactions.Count > MaxInteractions)
        {
            errors["content.interactions"] = [$"A flow has at most {MaxInteractions} interactions."];
            return false;
        }

        if (flow.TimeoutMinutes is < 1 or > MaxTimeoutMinutes)
        {
            errors["content.timeoutMinutes"] = [$"timeoutMinutes is between 1 and {MaxTimeoutMinutes}."];
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in flow.Variables ?? [])
        {
            if (!IsName(name))
            {
                errors["content.variables"] = [$"'{name}' is not a variable name (letters, digits and _)."];
            }
            else
            {
                declared.Add("context." + name);
            }
        }

        var steps = new Dictionary<string, FlowStep>(StringComparer.Ordinal);
        var reads = new List<(string Id, string Variable)>();
        var cleaned = new List<FlowInteraction>(interactions.Count);
        for (var i = 0; i < interactions.Count && errors.Count < MaxErrors; i++)
        {
            var interaction = interactions[i];
            var id = interaction.Id;
            if (id is null || !IdPattern().IsMatch(id))
            {
                errors[$"content.interactions[{i}].id"] =
                    ["An interaction's id is 1 to 64 letters, digits, '-' or '_'."];
                continue;
            }

            if (steps.ContainsKey(id))
            {
                errors[$"content.interactions.{id}.id"] = [$"Two interactions have the id '{id}'."];
                continue;
            }

            var step = new StepReader(id, errors, reads, declared).Read(interaction);
            if (step is not null)
            {
                steps[id] = step;
                cleaned.Add(interaction with { Html = step.Html is null ? null : Sanitized(interaction.Html!) });
            }
        }

        var start = flow.Start ?? interactions[0].Id;
        if (start is null || !steps.ContainsKey(start))
        {
            if (errors.Count == 0)
            {
                errors["content.start"] = [$"The start '{flow.Start}' is not an interaction of the flow."];
            }

            return false;
        }

        foreach (var step in steps.Values)
        {
            foreach (var target in step.Targets().Where(t => !steps.ContainsKey(t)))
            {
                errors[$"content.interactions.{step.Id}"] =
                    [$"The interaction '{step.Id}' goes to '{target}', which is not an interaction of the flow."];
            }
        }

        foreach (var (id, variable) in reads.Where(r => !declared.Contains(r.Variable)))
        {
            errors[$"content.interactions.{id}"] = [$"The interaction '{id}' reads {variable}, which the flow " +
                "neither declares in its variables nor sets in an interaction."];
        }

        if (errors.Count > 0)
        {
            return false;
        }

        CheckReachable(start, steps, errors);
        CheckLoops(steps, errors);
        if (errors.Count > 0)
        {
            return false;
        }

        compiled = new CompiledFlow(start, steps)
        {
            Timeout = flow.TimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            NluModelId = flow.NluModelId,
        };
        sanitized = flow with { Start = start, Interactions = cleaned };
        return true;
    }

    private static void CheckReachable(
        string start, Dictionary<string, FlowStep> steps, Dictionary<string, string[]> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var target in steps[id].Targets().Where(seen.Add))
            {
                queue.Enqueue(target);
            }
        }

        foreach (var id in steps.Keys.Where(k => !seen.Contains(k)).Take(MaxErrors))
        {
            errors[$"content.interactions.{id}"] =
                [$"The interaction '{id}' cannot be reached from the start '{start}'."];
        }
    }

    // A loop through interactions that never wait for the user would run for ever within one turn.
    private static void CheckLoops(Dictionary<string, FlowStep> steps, Dictionary<string, string[]> errors)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in steps.Keys)
        {
            if (!state.ContainsKey(id) && FindLoop(id, steps, state) is { } loop)
            {
                errors[$"content.interactions.{loop}"] = [$"The interaction '{loop}' is on a loop that never " +
                    "waits for the user's words: put a question or an intent on it."];
                return;
            }
        }
    }

    // Depth-first without recursion: 1 = on the current path, 2 = done.
    private static string? FindLoop(string root, Dictionary<string, FlowStep> steps, Dictionary<string, int> state)
    {
        var stack = new Stack<(string Id, IEnumerator<string> Targets)>();
        state[root] = 1;
        stack.Push((root, steps[root].Targets().GetEnumerator()));
        while (stack.Count > 0)
        {
            var (id, targets) = stack.Peek();
            if (steps[id].WaitsForInput || steps[id].Kind is StepKind.Agent || !targets.MoveNext())
            {
                state[id] = 2;
                stack.Pop();
                continue;
            }

            var target = targets.Current;
            if (state.TryGetValue(target, out var mark))
            {
                if (mark == 1 && !steps[target].WaitsForInput)
                {
                    return target;
                }

                continue;
            }

            state[target] = 1;
            stack.Push((target, steps[target].Targets().GetEnumerator()));
        }

        return null;
    }

    public static string Sanitized(string html) => Sanitizer.Sanitize(html);

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("tel");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedCssProperties.Clear();
        return sanitizer;
    }

    public static bool IsName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex NamePattern();
}
