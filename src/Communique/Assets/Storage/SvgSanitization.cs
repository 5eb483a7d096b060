using System.Diagnostics.CodeAnalysis;

namespace Communique.Assets.Storage;

public sealed record SvgSanitization(byte[]? Svg, string? Refusal, IReadOnlyList<string> Removed)
{
    [MemberNotNullWhen(true, nameof(Svg))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Accepted => Svg is not null;
}
