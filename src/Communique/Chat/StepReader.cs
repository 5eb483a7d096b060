using Communique.Chat.Expressions;

namespace Communique.Chat;

// Reads one interaction of a flow into its step: the fields its type needs, parsed; errors under its id. Variables
// it sets go into `declared`, context variables it reads into `reads` (checked once every interaction is read).
internal sealed class StepReader(
    string id, Dictionary<string, string[]> errors, List<(string Id, string Variable)> reads, HashSet<string> declared)
{
    private static readonly Dictionary<string, StepKind> Kinds = new(StringComparer.Ordinal)
    {
        ["message"] = StepKind.Message, ["question"] = StepKind.Question, ["setVariable"] = StepKind.SetVariable,
        ["condition"] = StepKind.Condition, ["rest"] = StepKind.Rest, ["intent"] = StepKind.Intent,
        ["agent"] = StepKind.Agent, ["link"] = StepKind.Link, ["end"] = StepKind.End,
    };

    private static readonly Dictionary<string, AnswerKind> Answers = new(StringComparer.Ordinal)
    {
        ["text"] = AnswerKind.Text, ["number"] = AnswerKind.Number, ["email"] = AnswerKind.Email,
        ["phone"] = AnswerKind.Phone, ["date"] = AnswerKind.Date, ["month"] = AnswerKind.Month,
        ["choice"] = AnswerKind.Choice, ["yesNo"] = AnswerKind.YesNo, ["entity"] = AnswerKind.Entity,
    };

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET", "POST", "PUT", "PATCH", "DELETE",
    };

    private int _errorsBefore;

    public FlowStep? Read(FlowInteraction i)
    {
        _errorsBefore = errors.Count;
        if (i.Type is null || !Kinds.TryGetValue(i.Type, out var kind))
        {
            Error("type", $"'{i.Type}' is not an interaction type: " + string.Join(", ", Kinds.Keys) + ".");
            return null;
        }

        var step = new FlowStep(id, kind) { Next = i.Next };
        step = kind switch
        {
            StepKind.Message => Said(step, i, required: true),
            StepKind.Question => Question(Said(step, i, required: true), i),
            StepKind.SetVariable => SetVariable(step, i),
            StepKind.Condition => Condition(step, i),
            StepKind.Rest => Rest(step, i),
            StepKind.Intent => Intent(Said(step, i, required: false), i),
            StepKind.Agent or StepKind.End => Said(step, i, required: false),
            StepKind.Link => Link(step, i),
            _ => step,
        };
        if (kind is StepKind.End or StepKind.Link && i.Next is not null)
        {
            Error("next", "An end or a link is the last interaction of its path: it has no next.");
        }

        return errors.Count > _errorsBefore ? null : step;
    }

    private FlowStep Said(FlowStep step, FlowInteraction i, bool required)
    {
        if (required && i.Text is null && i.Html is null && i.Cards is not { Count: > 0 })
        {
            Error("text", "Give the text (or HTML, or cards) the bot says.");
        }

        var buttons = Buttons(i.Buttons, "buttons");
        var cards = new List<StepCard>();
        foreach (var (card, n) in (i.Cards ?? []).Select((c, n) => (c, n)).Take(ChatFlows.MaxItems + 1))
        {
            if (n == ChatFlows.MaxItems)
            {
                Error("cards", $"At most {ChatFlows.MaxItems} cards.");
                break;
            }

            if (card.ImageUrl is not null && !IsWebUrl(card.ImageUrl))
            {
                Error($"cards[{n}].imageUrl", "An image URL is an absolute https or http URL.");
            }

            cards.Add(new StepCard(Text(card.Title, $"cards[{n}].title"), Text(card.Subtitle, $"cards[{n}].subtitle"),
                card.ImageUrl, Buttons(card.Buttons, $"cards[{n}].buttons")));
        }

        var links = new List<StepLink>();
        foreach (var (link, n) in (i.Links ?? []).Select((l, n) => (l, n)).Take(ChatFlows.MaxItems))
        {
            if (link.Url is null || !IsWebUrl(link.Url))
            {
                Error($"links[{n}].url", "A link's URL is an absolute https or http URL.");
                continue;
            }

            links.Add(new StepLink(Text(link.Label ?? link.Url, $"links[{n}].label")!, link.Url));
        }

        if (i.Html is { Length: > ChatFlows.MaxHtmlChars })
        {
            Error("html", $"HTML is at most {ChatFlows.MaxHtmlChars} characters.");
        }

        return step with
        {
            Text = Text(i.Text, "text"),
            Html = i.Html is null ? null : Text(ChatFlows.Sanitized(i.Html), "html"),
            Buttons = buttons, Cards = cards, Links = links,
        };
    }

    private List<StepButton> Buttons(List<FlowButton>? given, string field)
    {
        var buttons = new List<StepButton>();
        foreach (var (button, n) in (given ?? []).Select((b, n) => (b, n)))
        {
            if (n == ChatFlows.MaxItems)
            {
                Error(field, $"At most {ChatFlows.MaxItems} buttons.");
                break;
            }

            if (string.IsNullOrWhiteSpace(button.Label))
            {
                Error($"{field}[{n}].label", "A button needs a label.");
                continue;
            }

            if (button.Url is not null && !IsWebUrl(button.Url))
            {
                Error($"{field}[{n}].url", "A button's URL is an absolute https or http URL.");
                continue;
            }

            buttons.Add(new StepButton(Text(button.Label, $"{field}[{n}].label")!,
                button.Url is null ? button.Value ?? button.Label : button.Value, button.Url));
        }

        return buttons;
    }

    private FlowStep Question(FlowStep step, FlowInteraction i)
    {
        var expect = AnswerKind.Text;
        if (i.Expect is not null && !Answers.TryGetValue(i.Expect, out expect))
        {
            Error("expect", $"'{i.Expect}' is not an answer type: " + string.Join(", ", Answers.Keys) + ".");
        }

        var choices = (i.Choices ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).ToList();
        if (expect == AnswerKind.Choice && choices.Count == 0)
        {
            Error("choices", "A choice question needs its choices.");
        }

        if (choices.Count > ChatFlows.MaxChoices)
        {
            Error("choices", $"At most {ChatFlows.MaxChoices} choices.");
        }

        if (expect == AnswerKind.Entity && string.IsNullOrWhiteSpace(i.Entity))
        {
            Error("entity", "An entity question names the NLU entity it expects.");
        }

        if (i.Retries is < 0 or > ChatFlows.MaxRetries)
        {
            Error("retries", $"retries is between 0 and {ChatFlows.MaxRetries}.");
        }

        RequireNext(i.Next);
        return step with
        {
            Expect = expect, Choices = choices, Entity = i.Entity?.Trim(), Variable = Sets(i.Variable, "variable"),
            Retries = i.Retries ?? 2, RetryText = Text(i.RetryText, "retryText"), OnFail = i.OnFail,
        };
    }

    private FlowStep SetVariable(FlowStep step, FlowInteraction i)
    {
        RequireNext(i.Next);
        return step with { Variable = Sets(i.Variable ?? "", "variable"), Value = Expression(i.Value, "value") };
    }

    private FlowStep Condition(FlowStep step, FlowInteraction i)
    {
        if (i.Branches is not { Count: > 0 })
        {
            Error("branches", "A condition needs at least one branch: { \"when\": expression, \"next\": id }.");
            return step;
        }

        var branches = new List<StepBranch>();
        foreach (var (branch, n) in i.Branches.Select((b, n) => (b, n)).Take(ChatFlows.MaxItems))
        {
            if (branch.Next is null)
            {
                Error($"branches[{n}].next", "A branch names the interaction it goes to.");
            }

            if (Expression(branch.When, $"branches[{n}].when") is { } when && branch.Next is not null)
            {
                branches.Add(new StepBranch(when, branch.Next));
            }
        }

        if (i.Else is null && i.Next is null)
        {
            Error("else", "A condition says where to go when no branch holds (else).");
        }

        return step with { Branches = branches, Else = i.Else ?? i.Next, Next = null };
    }

    private FlowStep Rest(FlowStep step, FlowInteraction i)
    {
        var method = (i.Method ?? "GET").ToUpperInvariant();
        if (!Methods.Contains(method))
        {
            Error("method", "The method is GET, POST, PUT, PATCH or DELETE.");
        }

        if (string.IsNullOrWhiteSpace(i.Url))
        {
            Error("url", "A REST call needs its URL.");
        }
        else if (!i.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                 && !i.Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            Error("url", "The URL starts with https:// or http://.");
        }

        if (i.TimeoutSeconds is < 1 or > ChatFlows.MaxRestSeconds)
        {
            Error("timeoutSeconds", $"timeoutSeconds is between 1 and {ChatFlows.MaxRestSeconds}.");
        }

        var headers = new List<StepHeader>();
        foreach (var (name, value) in (i.Headers ?? []).Take(ChatFlows.MaxItems))
        {
            if (Text(value, $"headers.{name}") is { } text)
            {
                headers.Add(new StepHeader(name, text));
            }
        }

        RequireNext(i.Next);
        var variable = i.Variable is null ? null : Sets(i.Variable, "variable");
        if (variable is not null)
        {
            declared.Add(variable + "Status");
            declared.Add(variable + "Error");
        }

        return step with
        {
            Method = new HttpMethod(method), Url = Text(i.Url, "url"), Headers = headers, Body = Text(i.Body, "body"),
            Variable = variable, Select = i.Select, OnError = i.OnError,
            RestTimeout = TimeSpan.FromSeconds(i.TimeoutSeconds ?? ChatFlows.DefaultRestSeconds),
        };
    }

    private FlowStep Intent(FlowStep step, FlowInteraction i)
    {
        if (i.Routes is not { Count: > 0 })
        {
            Error("routes", "An intent trigger needs at least one route: { \"intent\": name, \"next\": id }.");
            return step;
        }

        var routes = new List<StepRoute>();
        foreach (var (route, n) in i.Routes.Select((r, n) => (r, n)).Take(ChatFlows.MaxChoices))
        {
            if (string.IsNullOrWhiteSpace(route.Intent) || route.Next is null)
            {
                Error($"routes[{n}]", "A route names its intent and the interaction it goes to.");
                continue;
            }

            if (route.Variable is not null && route.Entity is null)
            {
                Error($"routes[{n}].entity", "A route with a variable names the entity that goes into it.");
            }

            var variable = route.Variable is null ? null : Sets(route.Variable, $"routes[{n}].variable");
            routes.Add(new StepRoute(route.Intent.Trim(), route.Entity?.Trim(), variable, route.Next));
        }

        return step with { Routes = routes, Fallback = i.Fallback, RetryText = Text(i.RetryText, "retryText") };
    }

    private FlowStep Link(FlowStep step, FlowInteraction i)
    {
        if (i.BotId is not { } bot || bot == Guid.Empty)
        {
            Error("botId", "A link names the bot (a chat communication of the team) the flow goes on in.");
        }

        return step with { BotId = i.BotId };
    }

    private void RequireNext(string? next)
    {
        if (next is null)
        {
            Error("next", "Say which interaction comes next.");
        }
    }

    // A variable this interaction sets, as its full name.
    private string? Sets(string? name, string field)
    {
        if (!ChatFlows.IsName(name))
        {
            Error(field, $"'{name}' is not a variable name (letters, digits and _, up to 64).");
            return null;
        }

        declared.Add("context." + name);
        return "context." + name;
    }

    private ChatText? Text(string? source, string field)
    {
        if (source is null)
        {
            return null;
        }

        if (source.Length > ChatFlows.MaxTextChars && field != "html")
        {
            Error(field, $"A text is at most {ChatFlows.MaxTextChars} characters.");
            return null;
        }

        if (!ChatText.TryParse(source, out var text, out var error))
        {
            Error(field, error);
            return null;
        }

        Read(text.Variables);
        return text;
    }

    private ChatExpression? Expression(string? source, string field)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            Error(field, "Give the expression.");
            return null;
        }

        if (!ChatExpression.TryParse(source, out var expression, out var error))
        {
            Error(field, error);
            return null;
        }

        Read(expression.Variables);
        return expression;
    }

    private void Read(IEnumerable<string> variables)
    {
        foreach (var variable in variables.Where(v => v.StartsWith("context.", StringComparison.Ordinal)))
        {
            reads.Add((id, variable));
        }
    }

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";

    private void Error(string field, string message) =>
        errors[$"content.interactions.{id}.{field}"] = [$"Interaction '{id}': {message}"];
}
