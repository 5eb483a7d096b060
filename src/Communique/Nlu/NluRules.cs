using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Nlu.Entities;

namespace Communique.Nlu;

// Limits and checks shared by the API, import and training.
public static partial class NluRules
{
    public const int MaxTextLength = 1000;
    public const int MaxParseLength = 2000;
    public const int MaxUtterancesPerIntent = 20_000;
    public const int MaxIntents = 1_000;
    public const int MaxEntityValues = 10_000;

    public const string IntentNameRule =
        "An intent name is letters, digits, '_', '.', ':' or '-' (at most 200), e.g. check_balance.";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$")]
    public static partial Regex IntentName();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,99}$")]
    public static partial Regex EntityName();

    public static bool IsLanguage(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length > 35)
        {
            return false;
        }

        try
        {
            return !CultureInfo.GetCultureInfo(tag, predefinedOnly: true).Equals(CultureInfo.InvariantCulture);
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    // Problems with an intent's utterances, keyed as the API names the fields.
    public static void CheckUtterances(
        IReadOnlyList<Utterance>? utterances, string field, Dictionary<string, string[]> errors)
    {
        if (utterances is null)
        {
            return;
        }

        if (utterances.Count > MaxUtterancesPerIntent)
        {
            errors[field] = [$"At most {MaxUtterancesPerIntent} utterances per intent."];
            return;
        }

        for (var i = 0; i < utterances.Count; i++)
        {
            var u = utterances[i];
            if (string.IsNullOrWhiteSpace(u?.Text))
            {
                errors[$"{field}[{i}].text"] = ["An utterance needs text."];
            }
            else if (u.Text.Length > MaxTextLength)
            {
                errors[$"{field}[{i}].text"] = [$"An utterance is at most {MaxTextLength} characters."];
            }
            else if (u.Language is not null && !IsLanguage(u.Language))
            {
                errors[$"{field}[{i}].language"] = [$"'{u.Language}' is not a language tag (e.g. en, fr, pt-BR)."];
            }
        }
    }

    public static void CheckEntity(EntityData entity, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(entity.Name) || !EntityName().IsMatch(entity.Name))
        {
            errors[$"{field}name"] =
                ["An entity name is lower case letters, digits, '_' or '-', starting with a letter (at most 100)."];
        }
        else if (BuiltInEntities.Names.Contains(entity.Name))
        {
            errors[$"{field}name"] = [$"'{entity.Name}' is a built-in entity."];
        }

        switch (entity.Kind)
        {
            case "list":
                if (entity.Values is not { Count: > 0 } || entity.Values.Count > MaxEntityValues)
                {
                    errors[$"{field}values"] = [$"A list entity needs 1 to {MaxEntityValues} values."];
                }
                else if (entity.Values.Any(v =>
                             string.IsNullOrWhiteSpace(v?.Value) || v.Value.Length > 200
                             || (v.Synonyms ?? []).Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 200)))
                {
                    errors[$"{field}values"] = ["Every value and synonym needs text of at most 200 characters."];
                }

                break;
            case "regex":
                if (string.IsNullOrEmpty(entity.Pattern))
                {
                    errors[$"{field}pattern"] = ["A regex entity needs a pattern."];
                }
                else if (EntityPatterns.Problem(entity.Pattern) is { } problem)
                {
                    errors[$"{field}pattern"] = [problem];
                }

                break;
            default:
                errors[$"{field}kind"] = ["kind is 'list' or 'regex'."];
                break;
        }
    }

    public static EntityDefinition Definition(EntityData entity) => new(
        entity.Name,
        entity.Kind == "regex" ? EntityKind.Regex : EntityKind.List,
        [
            .. (entity.Values ?? [])
                .Select(v => new EntityValue(v.Value.Trim(), [.. (v.Synonyms ?? []).Select(s => s.Trim())])),
        ],
        entity.Kind == "regex" ? entity.Pattern : null);
}
