using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Communique.Http;

// Checks a request body against the data annotations of its record and names each error by what the client sent: the
// field's JsonPropertyName or its web (camelCase) name, with the path into nested records and lists
// (`recipients[3].email`). The built-in validation (AddValidation) names errors by C# member, which the snake_case
// bodies of the EngageOne-compatible API cannot use; an endpoint whose handler checks its body here says
// DisableValidation(), so that it is not checked twice. What a type declares is read once per type: checking a body
// reads values, not metadata.
public static class RequestShape
{
    private static readonly ConcurrentDictionary<Type, TypeRules> Types = new();

    // Null when the body keeps every rule of its type; otherwise the 400 that names each field breaking one.
    public static ValidationProblem? Problem<T>(T body, IServiceProvider services) where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        Dictionary<string, string[]>? errors = null;
        RulesOf<T>.Rules.Check(body, null, services, ref errors);
        return errors is null ? null : Problems.Invalid(errors);
    }

    private static class RulesOf<T>
    {
        public static readonly TypeRules Rules = Types.GetOrAdd(typeof(T), t => new TypeRules(t));
    }

    // A member and its rules; Nested is the record it holds (or, with Each, the record each of its items is).
    private sealed record Member(
        string WireName, PropertyInfo Property, ValidationAttribute[] Rules, Type? Nested, bool Each);

    private sealed class TypeRules
    {
        private readonly Member[] _members;

        public TypeRules(Type type)
        {
            // A positional record's attributes are on its constructor's parameters unless they name `property:`.
            var parameters = type.GetConstructors().SelectMany(c => c.GetParameters())
                .GroupBy(p => p.Name ?? "").ToDictionary(g => g.Key, g => g.First());
            _members = [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0)
                .Select(p => Describe(p, parameters.GetValueOrDefault(p.Name)))
                .Where(m => m.Rules.Length > 0 || m.Nested is not null)];
        }

        public void Check(
            object body, string? path, IServiceProvider services, ref Dictionary<string, string[]>? errors)
        {
            foreach (var member in _members)
            {
                var value = member.Property.GetValue(body);
                var at = path is null ? member.WireName : $"{path}.{member.WireName}";
                List<string>? broken = null;
                foreach (var rule in member.Rules)
                {
                    if (Refusal(rule, value, body, member, services) is { } message)
                    {
                        (broken ??= []).Add(message);
                    }
                }

                if (broken is not null)
                {
                    (errors ??= [])[at] = [.. broken];
                }

                if (member.Nested is not { } nested || value is null)
                {
                    continue;
                }

                var rules = Types.GetOrAdd(nested, t => new TypeRules(t));
                if (!member.Each)
                {
                    rules.Check(value, at, services, ref errors);
                    continue;
                }

                var index = 0;
                foreach (var item in (IEnumerable)value)
                {
                    if (item is not null)
                    {
                        rules.Check(item, $"{at}[{index}]", services, ref errors);
                    }

                    index++;
                }
            }
        }

        private static string? Refusal(
            ValidationAttribute rule, object? value, object body, Member member, IServiceProvider services)
        {
            if (!rule.RequiresValidationContext)
            {
                return rule.IsValid(value) ? null : rule.FormatErrorMessage(member.WireName);
            }

            var context = new ValidationContext(body, services, null)
            {
                MemberName = member.Property.Name, DisplayName = member.WireName,
            };
            return rule.GetValidationResult(value, context)?.ErrorMessage;
        }

        private static Member Describe(PropertyInfo property, ParameterInfo? parameter)
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            ValidationAttribute[] rules = [.. property.GetCustomAttributes<ValidationAttribute>(),
                .. parameter?.GetCustomAttributes<ValidationAttribute>() ?? []];
            var type = property.PropertyType;
            var item = type == typeof(string) ? null : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0];
            return item is not null && IsRecord(item) ? new Member(name, property, rules, item, Each: true)
                : new Member(name, property, rules, IsRecord(type) ? type : null, Each: false);
        }

        // Request contracts are records, checked inside; other types (framework ones, JsonElement) are values.
        private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;
    }
}
