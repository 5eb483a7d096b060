using System.Diagnostics.CodeAnalysis;

namespace Communique.Rendering;

public sealed record RenderOutcome
{
    private RenderOutcome(string? text, RenderFailure? failure) => (Text, Failure) = (text, failure);

    public string? Text { get; }

    public RenderFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Text))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    internal static RenderOutcome Success(string text) => new(text, null);

    internal static RenderOutcome Failed(RenderFailure failure) => new(null, failure);
}
