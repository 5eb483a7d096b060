using System.ComponentModel.DataAnnotations;

namespace Communique.Http;

// A time after now, by the injected clock; a time without a zone is read as the server's local time.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class FutureAttribute() : ValidationAttribute("The {0} must be a time in the future (UTC).")
{
    public override bool RequiresValidationContext => true;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not DateTime at)
        {
            return ValidationResult.Success;
        }

        var clock = (TimeProvider)validationContext.GetService(typeof(TimeProvider))!;
        return at.ToUniversalTime() > clock.GetUtcNow().UtcDateTime
            ? ValidationResult.Success
            : new ValidationResult(FormatErrorMessage(validationContext.DisplayName));
    }
}
