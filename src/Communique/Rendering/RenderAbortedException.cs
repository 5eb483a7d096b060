namespace Communique.Rendering;

// Unwinds Fluid's renderer when a limit is reached or a field is missing; caught in RenderAsync.
internal sealed class RenderAbortedException(RenderFailure failure) : Exception(failure.Message)
{
    public RenderFailure Failure { get; } = failure;

    public static RenderAbortedException MissingField(string field) => new(new RenderFailure(
        RenderFailureKind.MissingField,
        $"The template uses the field '{field}', which the record does not have.",
        field));

    public static RenderAbortedException OutputLimit(int max) => new(new RenderFailure(
        RenderFailureKind.OutputLimit, $"The output is longer than the limit of {max} characters."));
}
