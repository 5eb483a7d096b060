using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

// [MaxLength] on a list bounds how many items it has; this bounds each string in it (the keys and values of a map).
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class EachMaxLengthAttribute(int length) : ValidationAttribute
{
    public int Length => length;

    public override bool IsValid(object? value) => value switch
    {
        IDictionary map => map.Keys.OfType<string>().Concat(map.Values.OfType<string>()).All(s => s.Length <= length),
        IEnumerable items => items.OfType<string>().All(item => item.Length <= length),
        _ => true,
    };

    public override string FormatErrorMessage(string name) =>
        $"Each item of {name} may have at most {length} characters.";
}
