using Communique.Chat.Expressions;

namespace Communique.Chat;

public enum StepKind
{
    Message,
    Question,
    SetVariable,
    Condition,
    Rest,
    Intent,
    Agent,
    Link,
    End,
}

public enum AnswerKind
{
    Text,
    Number,
    Email,
    Phone,
    Date,
    Month,
    Choice,
    YesNo,
    Entity,
}

// A flow checked and ready to run: texts and expressions parsed, targets known to exist. Immutable; one instance
// serves every conversation of a bot version.
public sealed class CompiledFlow(string start, IReadOnlyDictionary<string, FlowStep> steps)
{
    public string Start { get; } = start;
    public IReadOnlyDictionary<string, FlowStep> Steps { get; } = steps;
    public TimeSpan? Timeout { get; init; }
    public Guid? NluModelId { get; init; }
}

public sealed record StepButton(ChatText Label, string? Value, string? Url);

public sealed record StepCard(ChatText? Title, ChatText? Subtitle, string? ImageUrl, IReadOnlyList<StepButton> Buttons);

public sealed record StepLink(ChatText Label, string Url);

public sealed record StepBranch(ChatExpression When, string Next);

public sealed record StepRoute(string Intent, string? Entity, string? Variable, string Next);

public sealed record StepHeader(string Name, ChatText Value);

// One interaction of a compiled flow. Variables are full names ("context.email").
public sealed record FlowStep(string Id, StepKind Kind)
{
    public string? Next { get; init; }
    public ChatText? Text { get; init; }
    public ChatText? Html { get; init; }
    public IReadOnlyList<StepButton> Buttons { get; init; } = [];
    public IReadOnlyList<StepCard> Cards { get; init; } = [];
    public IReadOnlyList<StepLink> Links { get; init; } = [];
    public AnswerKind Expect { get; init; }
    public IReadOnlyList<string> Choices { get; init; } = [];
    public string? Entity { get; init; }
    public string? Variable { get; init; }
    public int Retries { get; init; }
    public ChatText? RetryText { get; init; }
    public string? OnFail { get; init; }
    public ChatExpression? Value { get; init; }
    public IReadOnlyList<StepBranch> Branches { get; init; } = [];
    public string? Else { get; init; }
    public HttpMethod? Method { get; init; }
    public ChatText? Url { get; init; }
    public IReadOnlyList<StepHeader> Headers { get; init; } = [];
    public ChatText? Body { get; init; }
    public string? Select { get; init; }
    public TimeSpan RestTimeout { get; init; }
    public string? OnError { get; init; }
    public IReadOnlyList<StepRoute> Routes { get; init; } = [];
    public string? Fallback { get; init; }
    public Guid? BotId { get; init; }

    // Whether the flow stops here for the user's words.
    public bool WaitsForInput => Kind is StepKind.Question or StepKind.Intent;

    // Every interaction this one may go to.
    public IEnumerable<string> Targets()
    {
        foreach (var target in (string?[])[Next, OnFail, Else, OnError, Fallback])
        {
            if (target is not null)
            {
                yield return target;
            }
        }

        foreach (var branch in Branches)
        {
            yield return branch.Next;
        }

        foreach (var route in Routes)
        {
            yield return route.Next;
        }
    }
}
