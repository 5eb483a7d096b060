using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

// [MaxLength] on a list bounds how many items it has; this bounds each string in it.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class EachMaxLengthAttribute(int length) : ValidationAttribute
{
    public int Length => length;

    public override bool IsValid(object? value) =>
        value is not IEnumerable items || items.OfType<string>().All(item => item.Length <= length);

    public override string FormatErrorMessage(string name) =>
        $"Each item of {name} may have at most {length} characters.";
}
