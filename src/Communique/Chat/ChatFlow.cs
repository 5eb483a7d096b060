namespace Communique.Chat;

// The content of a chat communication (a bot) or chat template: its interactions and where the flow starts. See
// docs/chat.md for every interaction type and its fields.
public sealed record ChatFlow(
    string? Start,
    List<string>? Variables,
    int? TimeoutMinutes,
    Guid? NluModelId,
    List<FlowInteraction>? Interactions);

// One interaction; which fields apply depends on Type (message, question, setVariable, condition, rest, intent,
// agent, link, end). Texts may hold {{ expressions }}.
public sealed record FlowInteraction
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public string? Next { get; init; }

    // message, question, intent, agent, end: what the bot says.
    public string? Text { get; init; }
    public string? Html { get; init; }
    public List<FlowButton>? Buttons { get; init; }
    public List<FlowCard>? Cards { get; init; }
    public List<FlowLink>? Links { get; init; }

    // question: the answer expected and the variable it goes into; re-asked with RetryText up to Retries times,
    // then on to OnFail when given.
    public string? Expect { get; init; }
    public List<string>? Choices { get; init; }
    public string? Entity { get; init; }
    public string? Variable { get; init; }
    public int? Retries { get; init; }
    public string? RetryText { get; init; }
    public string? OnFail { get; init; }

    // setVariable: Variable = the expression Value.
    public string? Value { get; init; }

    // condition: the first branch whose expression holds, else Else.
    public List<FlowBranch>? Branches { get; init; }
    public string? Else { get; init; }

    // rest: a request to the company's systems; the response (or the value at Select in its JSON) into Variable,
    // its status into Variable + "Status"; OnError when it fails or answers outside 2xx.
    public string? Method { get; init; }
    public string? Url { get; init; }
    public Dictionary<string, string>? Headers { get; init; }
    public string? Body { get; init; }
    public string? Select { get; init; }
    public int? TimeoutSeconds { get; init; }
    public string? OnError { get; init; }

    // intent: the user's words routed by the team's NLU model; an entity of the text into a route's variable.
    public List<FlowRoute>? Routes { get; init; }
    public string? Fallback { get; init; }

    // link: the flow goes on in another bot of the team, with the same variables.
    public Guid? BotId { get; init; }
}

// A button sends Value (or its label) as the user's answer, or opens Url.
public sealed record FlowButton(string? Label, string? Value, string? Url);

public sealed record FlowCard(string? Title, string? Subtitle, string? ImageUrl, List<FlowButton>? Buttons);

public sealed record FlowLink(string? Label, string? Url);

public sealed record FlowBranch(string? When, string? Next);

public sealed record FlowRoute(string? Intent, string? Entity, string? Variable, string? Next);
