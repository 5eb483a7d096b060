using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

// One of the enum's wire names (WireNames), matched exactly; null is left to [Required].
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class WireNameAttribute<TEnum>() : ValidationAttribute(
    "The {0} must be one of " + string.Join(", ", Enum.GetValues<TEnum>().Select(WireNames.Of)) + ".")
    where TEnum : struct, Enum
{
    public override bool IsValid(object? value) => value is not string name || WireNames.TryParse<TEnum>(name, out _);
}
